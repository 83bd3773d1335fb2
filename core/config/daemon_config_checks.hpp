// What the daemon config schema cannot express: value formats, uniqueness across list
// items and files that must exist. Internal to core/config.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "junction/config.hpp"

namespace junction::config {

/// The directory relative paths in `file_name` are taken from: its parent, made absolute.
std::filesystem::path config_base_directory(const std::string& file_name);

/// `text` as an absolute, normalized path; relative ones are taken from `base`.
std::filesystem::path resolve_config_path(const std::filesystem::path& base, std::string_view text);

/// Appends one line per problem. Runs on a tree that may have failed schema validation, so
/// it only looks at values of the right kind and never converts numbers.
void check_daemon_semantics(const ConfigNode& root, const std::filesystem::path& base_directory,
                            std::vector<std::string>& problems);

}  // namespace junction::config
