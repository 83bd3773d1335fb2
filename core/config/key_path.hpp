// Key paths name a config value the way users write it: "plugins[2].config.port".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace junction::config {

/// Path of map entry `key` under `parent` ("" is the document root).
inline std::string child_key_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

/// Path of list item `index` under `parent`.
inline std::string item_key_path(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[' + std::to_string(index) + ']';
  return out;
}

}  // namespace junction::config
