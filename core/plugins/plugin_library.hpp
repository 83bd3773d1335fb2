// Loading one plugin's shared library and checking its descriptor before anything in it runs.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/plugins/library_keepalive.hpp"
#include "junction/plugin.hpp"

namespace junction {

/// Any reason a plugin cannot be used. what() is one line naming the plugin and the reason.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A loaded library whose descriptor passed the ABI and fingerprint checks.
struct PluginLibrary {
  std::filesystem::path path;
  LibraryRef library;  ///< keeps the library mapped while any copy lives
  const PluginDescriptor* descriptor = nullptr;
};

/// Loads `path` and checks its descriptor against this daemon's SDK: ABI number, descriptor
/// size and build fingerprint are read before any function of the plugin is called, and the
/// descriptor's name must be `expected_name`. Throws PluginError naming the plugin.
PluginLibrary load_plugin_library(const std::string& expected_name, const std::filesystem::path& path);

}  // namespace junction
