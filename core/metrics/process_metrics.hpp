// Metrics about the daemon process itself, read from /proc/self each time /metrics is
// scraped (cheap, and always current). Names match the official Prometheus clients so
// existing dashboards work unchanged.
#pragma once

#include <string_view>
#include <vector>

namespace junction {

struct ProcessMetric {
  std::string_view name;
  std::string_view help;
  std::string_view type;  // "counter" or "gauge"
  double value = 0;
};

/// The process metrics that could be read, sorted by name. Empty where /proc is missing.
std::vector<ProcessMetric> read_process_metrics();

/// True for the names read_process_metrics() may produce; the registry reserves them.
bool is_process_metric_name(std::string_view name);

}  // namespace junction
