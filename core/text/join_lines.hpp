// Several problems reported as one message, one per line.
#pragma once

#include <string>
#include <vector>

namespace junction {

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace junction
