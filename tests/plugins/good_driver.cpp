// Test plugin "good_driver": a channel driver "good", a Lua verb "good_echo" and a config block
// with `greeting` (string, default "hi") and `count` (integer 1..10, required).
#include <memory>
#include <stdexcept>

#include "logging_plugin.hpp"

namespace junction::test_plugins {
namespace {

class GoodDriver final : public ChannelDriver {
 public:
  std::string_view name() const override { return "good"; }
  void originate(LegId, const OriginateRequest&) override {}
  void answer(LegId, const SessionDescription&) override {}
  void reject(LegId, int) override {}
  void hangup(LegId, int) override {}
};

ConfigSchema good_driver_schema() {
  return ConfigSchema::map({
      {"greeting", ConfigSchema::string().with_default("hi")},
      {"count", ConfigSchema::integer(1, 10), required},
  });
}

class GoodDriverPlugin final : public LoggingPlugin {
 public:
  GoodDriverPlugin() : LoggingPlugin("good_driver") {}

  void configure(const ConfigNode& config) override {
    const ConfigNode* greeting = config.find("greeting");
    if (!greeting) return;
    if (greeting->text() == "forbidden")
      throw ConfigError(greeting->mark(), greeting->path(), "'forbidden' is not a greeting good_driver will say");
    if (greeting->text() == "crash") throw std::runtime_error("cannot greet with 'crash'");
  }

  void start(Host& host) override {
    LoggingPlugin::start(host);
    host.logger().info("good_driver config greeting=" + host.config().get_string("greeting") +
                       " count=" + std::to_string(host.config().get_int("count")));
    host.registrar().add_channel_driver(std::make_shared<GoodDriver>());
    VerbSpec echo;
    echo.name = "good_echo";
    echo.params = {ParamSpec{"text", ParamType::string, false, "what to echo"}};
    echo.returns = "the same text";
    echo.doc = "Returns its argument (test verb of the good_driver test plugin).";
    echo.handler = [](VerbCall& call) { call.completion->resolve({call.args.at(0)}); };
    host.registrar().add_script_verb(std::move(echo));
  }
};

}  // namespace
}  // namespace junction::test_plugins

JUNCTION_PLUGIN(junction::test_plugins::GoodDriverPlugin, "good_driver", "1.2.3", "Test plugin: a well-behaved driver",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &junction::test_plugins::good_driver_schema);
