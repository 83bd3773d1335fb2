// Reference documentation generated from a ConfigSchema, so docs/configuration.md and plugin
// READMEs cannot drift from what the validator enforces.
#pragma once

#include <string>

#include "junction/config.hpp"

namespace junction::config {

/// A markdown table: key path, type, default / required, description.
std::string render_schema_table(const ConfigSchema& schema, const std::string& root_path = "");

}  // namespace junction::config
