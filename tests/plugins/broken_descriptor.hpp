// Shared by the test plugins whose descriptor is deliberately wrong: a hand-written descriptor
// (not JUNCTION_PLUGIN) with the given ABI number, size and fingerprint. The plugin itself
// would work, so the host can refuse the library only on the descriptor's header.
#pragma once

#include "logging_plugin.hpp"

#define JUNCTION_TEST_BROKEN_DESCRIPTOR(plugin_name, abi, size, fingerprint)                                    \
  namespace {                                                                                                   \
  struct BrokenPlugin final : ::junction::test_plugins::LoggingPlugin {                                         \
    BrokenPlugin() : LoggingPlugin(plugin_name) {}                                                              \
  };                                                                                                            \
  ::junction::Plugin* broken_create() { return new BrokenPlugin(); }                                            \
  void broken_destroy(::junction::Plugin* plugin) { delete plugin; }                                            \
  }                                                                                                             \
  JUNCTION_PLUGIN_EXPORT const ::junction::PluginDescriptor junction_plugin_descriptor {                        \
    abi, size, fingerprint, plugin_name, "0.0.1", "Test plugin with a broken descriptor",                       \
        ::junction::test_plugins::kNoPlugins, ::junction::test_plugins::kNoPlugins, 0, nullptr, &broken_create, \
        &broken_destroy                                                                                         \
  }
