// The operator's view of the spool over the admin HTTP listener (JSON):
//   GET  /messages?state=dead&limit=50   the newest messages (in a state)
//   GET  /message?id=<id>                one message with its parts and history
//   POST /message/retry?id=<id>          a dead, quarantined or waiting message goes again now
// Handlers run on the admin thread and wait (briefly) for the spool's thread to answer.
#pragma once

#include <functional>

#include "core/admin/admin_server.hpp"
#include "core/messages/message_spool.hpp"

namespace junction {

/// Adds the routes. `retried` runs (from the admin thread) after an operator retry, to wake
/// deliveries; it must only post to the call loop.
void add_spool_routes(AdminServer& admin, MessageSpoolService& spool, std::function<void()> retried);

/// The query's `key`, percent-decoded; empty when absent.
std::string query_value(std::string_view query, std::string_view key);

}  // namespace junction
