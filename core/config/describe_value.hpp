// How a config value is shown after "got" in error messages: short and always on one line.
#pragma once

#include <string>

#include "junction/config.hpp"

namespace junction::config {

/// "null", "a list", "a map" or the scalar quoted ('abc'); long or multi-line text is
/// shortened so that every problem stays a single line.
std::string describe_value(const ConfigNode& node);

/// The scalar text quoted for a message: 'abc', newlines escaped, cut after 60 characters.
std::string quote_for_message(const std::string& text);

}  // namespace junction::config
