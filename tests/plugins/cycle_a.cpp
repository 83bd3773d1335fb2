// Test plugin "cycle_a": requires cycle_b, which requires cycle_a.
#include "logging_plugin.hpp"

namespace {
struct CycleA final : junction::test_plugins::LoggingPlugin {
  CycleA() : LoggingPlugin("cycle_a") {}
};
}  // namespace

JUNCTION_PLUGIN(CycleA, "cycle_a", "0.0.1", "Test plugin: half of a dependency cycle", JUNCTION_REQUIRES("cycle_b"),
                JUNCTION_OPTIONAL(), nullptr);
