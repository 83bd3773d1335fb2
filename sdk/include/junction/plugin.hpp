// The plugin contract: one exported descriptor per shared library.
//
//   class MyPlugin : public junction::Plugin { ... };
//   JUNCTION_PLUGIN(MyPlugin, "my-plugin", "1.0.0", "What it does",
//                   JUNCTION_REQUIRES("other"), JUNCTION_OPTIONAL(), my_config_schema)
//
// The host reads abi_version and build_fingerprint first and refuses the library when they do
// not match its own, before it calls any function in it.
#pragma once

#include <cstdint>

#include "junction/abi.hpp"
#include "junction/config.hpp"
#include "junction/host.hpp"

namespace junction {

class Plugin {
 public:
  virtual ~Plugin() = default;

  /// Check the plugin's own config block beyond what the schema expresses. Called by
  /// `junctiond --check` too, so it must not open sockets or files. Throw ConfigError.
  virtual void configure(const ConfigNode& /*config*/) {}

  /// Register services and start work. Throw to refuse: the daemon stops what already
  /// started and exits with the message.
  virtual void start(Host& host) = 0;

  /// Stop work. Called in reverse start order; registrations are removed by the host after.
  virtual void stop() = 0;
};

/// Returns the schema of the plugin's config block.
using DescribeConfigFn = ConfigSchema (*)();

/// The exported descriptor. Its layout is fixed for a given abi_version, and the first two
/// fields are fixed for all versions.
struct PluginDescriptor {
  std::uint32_t abi_version;        ///< kSdkAbiVersion of the SDK the plugin was built with
  std::uint32_t descriptor_size;    ///< sizeof(PluginDescriptor) in that SDK
  std::uint64_t build_fingerprint;  ///< kBuildFingerprint of that build
  const char* name;
  const char* version;
  const char* description;
  const char* const* required_plugins;  ///< plugins that must start first (nullptr-terminated)
  const char* const* optional_plugins;  ///< plugins that start first when present (nullptr-terminated)
  int load_priority;                    ///< among independent plugins, lower starts first
  DescribeConfigFn describe_config;     ///< may be nullptr: the block must then be empty
  Plugin* (*create)();
  void (*destroy)(Plugin*);
};

/// The symbol every plugin exports.
inline constexpr const char* kDescriptorSymbol = "junction_plugin_descriptor";

}  // namespace junction

#define JUNCTION_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

#define JUNCTION_REQUIRES(...) \
  { __VA_ARGS__ __VA_OPT__(, ) nullptr }
#define JUNCTION_OPTIONAL(...) \
  { __VA_ARGS__ __VA_OPT__(, ) nullptr }

/// Declares the plugin descriptor for class `Type` (default-constructible).
/// `schema_fn` is a DescribeConfigFn or nullptr.
#define JUNCTION_PLUGIN(Type, plugin_name, plugin_version, plugin_description, requires_list, optional_list,      \
                        schema_fn)                                                                                \
  namespace {                                                                                                     \
  const char* const junction_plugin_requires_[] = requires_list;                                                  \
  const char* const junction_plugin_optional_[] = optional_list;                                                  \
  ::junction::Plugin* junction_plugin_create_() { return new Type(); }                                            \
  void junction_plugin_destroy_(::junction::Plugin* plugin) { delete plugin; }                                    \
  }                                                                                                               \
  JUNCTION_PLUGIN_EXPORT const ::junction::PluginDescriptor junction_plugin_descriptor {                          \
    ::junction::kSdkAbiVersion, sizeof(::junction::PluginDescriptor), ::junction::kBuildFingerprint, plugin_name, \
        plugin_version, plugin_description, junction_plugin_requires_, junction_plugin_optional_, 0, schema_fn,   \
        &junction_plugin_create_, &junction_plugin_destroy_                                                       \
  }
