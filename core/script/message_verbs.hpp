// Lua access to the message spool: save_message{...} hands a recording (or any file) to the
// spool and returns once it is on disk, so that a flow says "saved" only when it is.
#pragma once

#include <filesystem>

#include "core/calls/call_engine.hpp"
#include "core/messages/spool_access.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/executor.hpp"
#include "junction/messages.hpp"

namespace junction {

/// Relative file names given to save_message are found in `recordings`.
void register_message_verbs(ServiceRegistry& registry, SpoolAccess& spool, CallEngineImpl& engine, WorkerPool& workers,
                            std::filesystem::path recordings);

}  // namespace junction
