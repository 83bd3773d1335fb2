// The daemon's one metrics registry: plugins and core register counters and gauges here,
// the admin listener renders them for Prometheus.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "junction/metrics.hpp"

namespace junction {

class AtomicCounter;
class AtomicGauge;

/// Registration takes a mutex; updating a metric is a single atomic operation. Metrics are
/// never removed, so references stay valid for the registry's lifetime.
class MetricsRegistry final : public Metrics {
 public:
  MetricsRegistry();
  ~MetricsRegistry() override;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Label order does not matter: {a,b} and {b,a} are the same series. The help text of the
  /// first registration wins. Throws std::invalid_argument on a malformed metric or label name,
  /// a repeated label name, a name registered as a gauge, or a reserved process_* name.
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {}) override;

  /// As counter(), for gauges.
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {}) override;

  /// Prometheus text exposition format 0.0.4, families sorted by name, including the
  /// process_* metrics read from /proc/self at this moment.
  std::string render_prometheus() const;

 private:
  enum class Type { counter, gauge };

  struct Series {
    std::unique_ptr<AtomicCounter> counter;  // exactly one of the two is set, after the family's type
    std::unique_ptr<AtomicGauge> gauge;
  };

  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // keyed by the rendered, name-sorted label block
  };

  Series& find_or_add(Type type, std::string_view name, std::string_view help, const MetricLabels& labels);
  static void render_family(std::string& out, const std::string& name, const Family& family);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace junction
