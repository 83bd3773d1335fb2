// Reads YAML into the ConfigNode tree that validation and plugins work on.
#pragma once

#include <string>
#include <string_view>

#include "junction/config.hpp"

namespace junction::config {

/// Parses the YAML file at `path`. Marks are 1-based and carry `path` as the file name; key
/// paths look like "plugins[2].config.port" (the root's is empty). Plain `~`/`null`/empty
/// values become null nodes; quoted ones stay strings. Aliases are expanded into copies
/// with the key paths of where they are used.
///
/// An empty document (or one holding only comments) gives a null root marked 1:1.
/// Throws ConfigError ("file:line:column: problem") when the file cannot be read, the YAML
/// is malformed, a map repeats a key, a map key is not a scalar or the file holds more
/// than one non-empty document.
ConfigNode read_yaml_file(const std::string& path);

/// Same as read_yaml_file, from text; `file_name` only goes into the marks.
ConfigNode read_yaml_string(std::string_view text, const std::string& file_name);

}  // namespace junction::config
