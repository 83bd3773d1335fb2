// The operator's view of the voice mailboxes over the admin HTTP listener (JSON):
//   GET  /mailbox?box=<extension>          counts, and whether wrong PINs have locked it
//   POST /mailbox/unlock?box=<extension>   ends a lockout (the user's PIN stays as it is)
// Handlers run on the admin thread and use the store directly (it takes its own lock).
#pragma once

#include <memory>

#include "core/admin/admin_server.hpp"
#include "core/voicemail/mailbox_store.hpp"
#include "junction/directory.hpp"

namespace junction {

void add_mailbox_routes(AdminServer& admin, std::shared_ptr<MailboxStore> store, const Directory& directory);

}  // namespace junction
