// The verbs the core itself provides (log, sleep, answer, hangup, dial) and the media verbs
// it reserves for the media plugin (play, record, collect). This table is the single
// declaration: the Lua functions, their argument checks and docs/lua-api.md come from it.
#pragma once

#include "core/calls/call_engine.hpp"
#include "core/plugins/service_registry.hpp"

namespace junction {

void register_core_verbs(ServiceRegistry& registry, CallEngineImpl& engine);

}  // namespace junction
