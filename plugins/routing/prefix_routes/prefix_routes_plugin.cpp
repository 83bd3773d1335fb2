// Plugin "prefix_routes": a routing strategy of the same name backed by a prefix table.
#include <memory>

#include "junction/junction.hpp"
#include "prefix_table.hpp"

namespace junction::prefix_routes {
namespace {

class PrefixRoutingStrategy final : public RoutingStrategy {
 public:
  PrefixRoutingStrategy(PrefixTable table, Counter& matched, Counter& unmatched)
      : table_(std::move(table)), matched_(matched), unmatched_(unmatched) {}
  std::string_view name() const override { return "prefix_routes"; }
  RouteDecision route(const RouteRequest& request) override {
    RouteDecision decision = table_.route(request.number);
    (decision.targets.empty() ? unmatched_ : matched_).add();
    return decision;
  }

 private:
  PrefixTable table_;
  Counter& matched_;
  Counter& unmatched_;
};

class PrefixRoutesPlugin final : public Plugin {
 public:
  void configure(const ConfigNode& config) override { table_ = PrefixTable::from_config(*config.find("routes")); }

  void start(Host& host) override {
    Counter& matched =
        host.metrics().counter("junction_prefix_routes_lookups_total", "Numbers looked up", {{"result", "matched"}});
    Counter& unmatched =
        host.metrics().counter("junction_prefix_routes_lookups_total", "Numbers looked up", {{"result", "unmatched"}});
    host.registrar().add_routing_strategy(std::make_shared<PrefixRoutingStrategy>(table_, matched, unmatched));
    host.logger().info(std::to_string(table_.size()) + " prefix routes");
  }

  void stop() override {}

 private:
  PrefixTable table_;
};

}  // namespace
}  // namespace junction::prefix_routes

JUNCTION_PLUGIN(junction::prefix_routes::PrefixRoutesPlugin, "prefix_routes", "0.1.0",
                "Routes dialled numbers by longest prefix to \"driver/destination\" targets", JUNCTION_REQUIRES(),
                JUNCTION_OPTIONAL(), &junction::prefix_routes::config_schema);
