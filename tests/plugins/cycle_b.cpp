// Test plugin "cycle_b": requires cycle_a, which requires cycle_b.
#include "logging_plugin.hpp"

namespace {
struct CycleB final : junction::test_plugins::LoggingPlugin {
  CycleB() : LoggingPlugin("cycle_b") {}
};
}  // namespace

JUNCTION_PLUGIN(CycleB, "cycle_b", "0.0.1", "Test plugin: half of a dependency cycle", JUNCTION_REQUIRES("cycle_a"),
                JUNCTION_OPTIONAL(), nullptr);
