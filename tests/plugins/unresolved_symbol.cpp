// Test plugin "unresolved_symbol": calls a function that no library defines, so that
// dlopen(RTLD_NOW) fails with the loader's "undefined symbol" message.
#include <string>

#include "logging_plugin.hpp"

extern "C" __attribute__((visibility("default"))) int junction_test_function_nobody_defines(int);

namespace {
struct UnresolvedSymbol final : junction::test_plugins::LoggingPlugin {
  UnresolvedSymbol() : LoggingPlugin("unresolved_symbol") {}
  void start(junction::Host& host) override {
    LoggingPlugin::start(host);
    host.logger().info(std::to_string(junction_test_function_nobody_defines(1)));
  }
};
}  // namespace

JUNCTION_PLUGIN(UnresolvedSymbol, "unresolved_symbol", "0.0.1", "Test plugin: cannot be loaded", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL(), nullptr);
