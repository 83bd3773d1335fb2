// A strict reader of the Prometheus text format 0.0.4, so tests check that /metrics parses
// the way a scraper would read it rather than grepping for substrings.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace junction::test {

struct ExpositionSample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

struct Exposition {
  std::vector<std::string> families;        // in the order their HELP/TYPE appeared
  std::map<std::string, std::string> help;  // unescaped
  std::map<std::string, std::string> type;
  std::vector<ExpositionSample> samples;

  /// The value of the sample with exactly these labels, if there is one.
  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

/// Throws std::runtime_error naming the offending line on anything a strict scraper would
/// reject: a missing final newline, HELP or TYPE twice for a family, TYPE after its samples,
/// a family's samples split apart, bad names, bad escapes or an unparsable value.
Exposition parse_exposition(std::string_view text);

}  // namespace junction::test
