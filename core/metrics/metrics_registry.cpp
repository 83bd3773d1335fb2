#include "core/metrics/metrics_registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/metrics/atomic_metrics.hpp"
#include "core/metrics/metric_names.hpp"
#include "core/metrics/process_metrics.hpp"
#include "core/metrics/prometheus_text.hpp"

namespace junction {

namespace {

std::string_view type_name(bool is_counter) { return is_counter ? "counter" : "gauge"; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

void check_metric_name(std::string_view name) {
  if (!is_valid_metric_name(name)) throw std::invalid_argument("metrics: invalid metric name " + quoted(name));
  if (is_process_metric_name(name)) {
    throw std::invalid_argument("metrics: metric name " + quoted(name) + " is reserved for process metrics");
  }
}

// Sorting by label name makes the key independent of the order the caller listed labels in;
// the same text is what render_prometheus() prints.
std::string series_key(std::string_view metric, MetricLabels labels) {
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i].first;
    if (!is_valid_label_name(label)) {
      throw std::invalid_argument("metrics: invalid label name " + quoted(label) + " in metric " + quoted(metric));
    }
    if (i > 0 && labels[i - 1].first == label) {
      throw std::invalid_argument("metrics: label " + quoted(label) + " repeated in metric " + quoted(metric));
    }
  }
  return format_labels(labels);
}

}  // namespace

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return *find_or_add(Type::counter, name, help, labels).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  return *find_or_add(Type::gauge, name, help, labels).gauge;
}

MetricsRegistry::Series& MetricsRegistry::find_or_add(Type type, std::string_view name, std::string_view help,
                                                      const MetricLabels& labels) {
  check_metric_name(name);
  std::string key = series_key(name, labels);

  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (family->second.type != type) {
    throw std::invalid_argument("metrics: " + quoted(name) + " is already registered as a " +
                                std::string(type_name(family->second.type == Type::counter)) + ", not a " +
                                std::string(type_name(type == Type::counter)));
  }
  auto [series, added] = family->second.series.try_emplace(std::move(key));
  if (added) {
    if (type == Type::counter) {
      series->second.counter = std::make_unique<AtomicCounter>();
    } else {
      series->second.gauge = std::make_unique<AtomicGauge>();
    }
  }
  return series->second;
}

void MetricsRegistry::render_family(std::string& out, const std::string& name, const Family& family) {
  const bool is_counter = family.type == Type::counter;
  append_family_header(out, name, family.help, type_name(is_counter));
  for (const auto& [labels, series] : family.series) {
    const std::string value =
        is_counter ? std::to_string(series.counter->value()) : format_sample_value(series.gauge->value());
    append_sample(out, name, labels, value);
  }
}

std::string MetricsRegistry::render_prometheus() const {
  // Read /proc before taking the lock: file I/O should not hold up registrations.
  const std::vector<ProcessMetric> process = read_process_metrics();
  auto next_process = process.begin();
  std::string out;
  const auto render_next_process = [&] {
    append_family_header(out, next_process->name, next_process->help, next_process->type);
    append_sample(out, next_process->name, {}, format_sample_value(next_process->value));
    ++next_process;
  };

  // Both lists are sorted by name and never share one (process names are reserved), so
  // merging them keeps the whole output sorted.
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    while (next_process != process.end() && next_process->name < name) render_next_process();
    render_family(out, name, family);
  }
  while (next_process != process.end()) render_next_process();
  return out;
}

}  // namespace junction
