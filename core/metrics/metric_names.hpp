// Prometheus naming rules, checked when a metric is registered so that a typo fails loudly
// at startup instead of producing an exposition that the scraper rejects.
#pragma once

#include <string_view>

namespace junction {

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
bool is_valid_metric_name(std::string_view name);

/// `[a-zA-Z_][a-zA-Z0-9_]*`
bool is_valid_label_name(std::string_view name);

}  // namespace junction
