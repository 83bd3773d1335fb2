// Test plugin "optional_user": starts after good_driver when it is configured, works without it.
#include "logging_plugin.hpp"

namespace {
struct OptionalUser final : junction::test_plugins::LoggingPlugin {
  OptionalUser() : LoggingPlugin("optional_user") {}
};
}  // namespace

JUNCTION_PLUGIN(OptionalUser, "optional_user", "0.0.1", "Test plugin: optionally uses good_driver", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL("good_driver"), nullptr);
