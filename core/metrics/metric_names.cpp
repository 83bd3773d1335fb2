#include "core/metrics/metric_names.hpp"

namespace junction {

namespace {
// Locale-independent on purpose: std::isalpha would accept more under some locales.
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool matches(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = is_ascii_letter(c) || c == '_' || (allow_colon && c == ':') || (i > 0 && is_ascii_digit(c));
    if (!ok) return false;
  }
  return true;
}
}  // namespace

bool is_valid_metric_name(std::string_view name) { return matches(name, /*allow_colon=*/true); }

bool is_valid_label_name(std::string_view name) { return matches(name, /*allow_colon=*/false); }

}  // namespace junction
