// Routing strategy "lua": the route(request) function of the current scripts.
#pragma once

#include "core/script/script_runtime.hpp"
#include "junction/routing.hpp"

namespace junction {

class LuaRoutingStrategy final : public RoutingStrategy {
 public:
  explicit LuaRoutingStrategy(ScriptRuntime& runtime) : runtime_(runtime) {}
  std::string_view name() const override { return "lua"; }
  RouteDecision route(const RouteRequest& request) override { return runtime_.route(request); }

 private:
  ScriptRuntime& runtime_;
};

}  // namespace junction
