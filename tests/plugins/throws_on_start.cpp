// Test plugin "throws_on_start": registers a driver, then refuses to start.
#include <memory>
#include <stdexcept>

#include "logging_plugin.hpp"

namespace {

class HalfStartedDriver final : public junction::ChannelDriver {
 public:
  std::string_view name() const override { return "half_started"; }
  void originate(junction::LegId, const junction::OriginateRequest&) override {}
  void answer(junction::LegId, const junction::SessionDescription&) override {}
  void reject(junction::LegId, int) override {}
  void hangup(junction::LegId, int) override {}
};

struct ThrowsOnStart final : junction::test_plugins::LoggingPlugin {
  ThrowsOnStart() : LoggingPlugin("throws_on_start") {}
  void start(junction::Host& host) override {
    LoggingPlugin::start(host);
    // Registered before the failure: the host must remove it again.
    host.registrar().add_channel_driver(std::make_shared<HalfStartedDriver>());
    throw std::runtime_error("port 5060 is taken");
  }
};

}  // namespace

JUNCTION_PLUGIN(ThrowsOnStart, "throws_on_start", "0.0.1", "Test plugin: start() throws", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL(), nullptr);
