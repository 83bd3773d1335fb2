// Lua access to the message spool: save_message{...} hands a recording (or any file) to the
// spool and returns once it is on disk, so that a flow says "saved" only when it is.
#pragma once

#include "core/calls/call_engine.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/executor.hpp"
#include "junction/messages.hpp"

namespace junction {

void register_message_verbs(ServiceRegistry& registry, MessageSpool& spool, CallEngineImpl& engine,
                            WorkerPool& workers);

}  // namespace junction
