// Lua access to the users' voice mailboxes (voicemail.*): leave a message, list, hear, keep,
// delete and forward messages, greetings, and the PIN that opens a mailbox's menu.
#pragma once

#include <filesystem>

#include "core/calls/call_engine.hpp"
#include "core/messages/spool_access.hpp"
#include "core/plugins/service_registry.hpp"
#include "core/voicemail/voicemail_service.hpp"
#include "junction/directory.hpp"

namespace junction {

/// Relative file names are found in `recordings` (as record() writes them).
void register_voicemail_verbs(ServiceRegistry& registry, VoicemailService& voicemail, const Directory& directory,
                              SpoolAccess& files, CallEngineImpl& engine, std::filesystem::path recordings);

}  // namespace junction
