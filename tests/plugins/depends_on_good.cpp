// Test plugin "depends_on_good": requires good_driver.
#include "logging_plugin.hpp"

namespace {
struct DependsOnGood final : junction::test_plugins::LoggingPlugin {
  DependsOnGood() : LoggingPlugin("depends_on_good") {}
};
}  // namespace

JUNCTION_PLUGIN(DependsOnGood, "depends_on_good", "0.0.1", "Test plugin: requires good_driver",
                JUNCTION_REQUIRES("good_driver"), JUNCTION_OPTIONAL(), nullptr);
