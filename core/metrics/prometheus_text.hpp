// Pieces of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "junction/metrics.hpp"

namespace junction {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Label values escape backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

/// HELP text escapes backslash and newline only (quotes stay as they are).
std::string escape_help(std::string_view help);

/// `{a="x",b="y"}` in the order given, or "" for no labels. Names must already be valid.
std::string format_labels(const MetricLabels& labels);

/// Shortest text that reads back as the same double; NaN, +Inf and -Inf as Prometheus spells them.
std::string format_sample_value(double value);

/// Appends the `# HELP` and `# TYPE` lines that open a family. `type` is "counter" or "gauge".
void append_family_header(std::string& out, std::string_view name, std::string_view help, std::string_view type);

/// Appends one `name{labels} value` line; `labels` is the output of format_labels().
void append_sample(std::string& out, std::string_view name, std::string_view labels, std::string_view value);

}  // namespace junction
