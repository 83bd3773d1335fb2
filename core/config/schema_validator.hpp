// Checks a ConfigNode tree against a ConfigSchema and fills in defaults.
#pragma once

#include <string>
#include <vector>

#include "junction/config.hpp"

namespace junction::config {

/// Validates `node` against `schema` and returns every problem found, each one line in
/// ConfigError::format style ("file:line:column: key.path: expected ..., got ..."); an
/// empty result means the tree is valid.
///
/// Along the way the tree is completed: absent map fields that have a default get a scalar
/// node (marked at the parent map, with the field's key path), and booleans are rewritten
/// to "true"/"false" so that ConfigNode::as_bool reads every accepted spelling right.
std::vector<std::string> validate(ConfigNode& node, const ConfigSchema& schema);

}  // namespace junction::config
