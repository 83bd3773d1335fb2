// Metrics that the admin listener serves in Prometheus text format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace junction {

/// Label pairs, e.g. {{"driver", "loopback"}}. Names follow Prometheus rules.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// Monotonic counter. Thread-safe.
class Counter {
 public:
  virtual ~Counter() = default;
  virtual void add(std::uint64_t amount = 1) = 0;
  virtual std::uint64_t value() const = 0;
};

/// Value that goes up and down. Thread-safe.
class Gauge {
 public:
  virtual ~Gauge() = default;
  virtual void set(double value) = 0;
  virtual void add(double delta) = 0;
  virtual double value() const = 0;
};

/// Registry of metrics. Asking twice for the same name and labels returns the same object;
/// the object lives as long as the daemon, so plugins may keep references.
/// Throws std::invalid_argument on a malformed name or a name reused with another type.
class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {}) = 0;
  virtual Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {}) = 0;
};

}  // namespace junction
