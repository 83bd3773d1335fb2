#include "core/plugins/plugin_library.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <utility>

#include <boost/dll/shared_library.hpp>

namespace junction {

namespace {

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Boost.DLL resets dlerror() on failure, which loses the reason (a missing dependency, an
// undefined symbol). Probing with dlopen first keeps the loader's own words for the message.
std::string loader_error(const std::filesystem::path& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle) {
    dlclose(handle);
    return {};
  }
  const char* reason = dlerror();
  return reason ? reason : "unknown loader error";
}

}  // namespace

PluginLibrary load_plugin_library(const std::string& expected_name, const std::filesystem::path& path) {
  const std::string who = "plugin '" + expected_name + "': ";
  std::error_code fs_error;
  if (!std::filesystem::is_regular_file(path, fs_error)) throw PluginError(who + "file not found: " + path.string());
  if (std::string reason = loader_error(path); !reason.empty())
    throw PluginError(who + "cannot load " + path.string() + ": " + reason);

  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(path.string(), ec, boost::dll::load_mode::rtld_now);
  if (ec) throw PluginError(who + "cannot load " + path.string() + ": " + ec.message());
  if (!library->has(kDescriptorSymbol))
    throw PluginError(who + path.string() + " does not export '" + kDescriptorSymbol +
                      "' (not a Junction plugin, or built without JUNCTION_PLUGIN)");

  const auto& descriptor = library->get<const PluginDescriptor>(kDescriptorSymbol);
  if (descriptor.abi_version != kSdkAbiVersion)
    throw PluginError(who + "built for SDK ABI " + std::to_string(descriptor.abi_version) +
                      ", this junctiond speaks ABI " + std::to_string(kSdkAbiVersion) +
                      "; rebuild it against this SDK");
  if (descriptor.descriptor_size != sizeof(PluginDescriptor))
    throw PluginError(who + "descriptor size " + std::to_string(descriptor.descriptor_size) + " differs from " +
                      std::to_string(sizeof(PluginDescriptor)) + "; rebuild it against this SDK");
  if (descriptor.build_fingerprint != kBuildFingerprint)
    throw PluginError(who + "build fingerprint " + hex(descriptor.build_fingerprint) + " differs from junctiond's " +
                      hex(kBuildFingerprint) +
                      " (another compiler, standard library or its debug mode); rebuild it with junctiond's toolchain");
  if (!descriptor.name || expected_name != descriptor.name)
    throw PluginError(who + path.string() + " provides plugin '" + (descriptor.name ? descriptor.name : "(unnamed)") +
                      "', not '" + expected_name + "'");
  if (!descriptor.create || !descriptor.destroy) throw PluginError(who + "descriptor has no create/destroy functions");

  PluginLibrary result;
  result.path = path;
  result.descriptor = &descriptor;
  result.library = std::shared_ptr<const void>(library, library.get());
  return result;
}

}  // namespace junction
