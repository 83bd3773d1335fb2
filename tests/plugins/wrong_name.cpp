// Test plugin built as junction_wrong_name.so whose descriptor names another plugin.
#include "logging_plugin.hpp"

namespace {
struct SomethingElse final : junction::test_plugins::LoggingPlugin {
  SomethingElse() : LoggingPlugin("something_else") {}
};
}  // namespace

JUNCTION_PLUGIN(SomethingElse, "something_else", "0.0.1", "Test plugin: lives in a file named for another plugin",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), nullptr);
