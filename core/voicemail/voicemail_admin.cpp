#include "core/voicemail/voicemail_admin.hpp"

#include <algorithm>

#include "core/admin/admin_json.hpp"
#include "core/messages/spool_admin.hpp"
#include "core/text/text_formats.hpp"

namespace junction {

namespace {

// The mailbox the query names, or the response refusing it. The configured users are looked
// up (a list fixed at start): Directory::find belongs to the call loop, this is the admin thread.
template <class Then>
AdminResponse with_box(const AdminRequest& request, const Directory& directory, Then then) {
  const std::string box = query_value(request.query, "box");
  if (box.empty()) return json_error(400, "box=<extension> is required");
  const auto& users = directory.users();
  const auto user = std::find_if(users.begin(), users.end(), [&](const User& u) { return u.extension == box; });
  if (user == users.end()) return json_error(404, "no mailbox " + box);
  try {
    return then(box, *user);
  } catch (const std::exception& e) {
    return json_error(500, e.what());
  }
}

std::string status_of(MailboxStore& store, const std::string& box, const User& user) {
  const MailboxCounts counts = store.counts(box);
  const PinState pin = store.pin_state(box);
  const bool locked = pin.locked_until > std::chrono::system_clock::now();
  const char* source = !pin.hash.empty() ? "chosen" : user.voicemail_pin.empty() ? "none" : "configured";
  return "{\"box\": " + json_string(box) + ", \"new\": " + std::to_string(counts.new_messages) +
         ", \"saved\": " + std::to_string(counts.saved_messages) + ", \"pin\": " + json_string(source) +
         ", \"wrong_pins\": " + std::to_string(pin.failures) + ", \"lockouts\": " + std::to_string(pin.lockouts) +
         ", \"locked_until\": " + (locked ? json_string(iso8601_utc(pin.locked_until)) : std::string("null")) + "}";
}

}  // namespace

void add_mailbox_routes(AdminServer& admin, std::shared_ptr<MailboxStore> store, const Directory& directory) {
  admin.add_route("GET", "/mailbox", [store, &directory](const AdminRequest& request) {
    return with_box(request, directory, [&](const std::string& box, const User& user) {
      return json_response(200, status_of(*store, box, user));
    });
  });
  admin.add_route("POST", "/mailbox/unlock", [store, &directory](const AdminRequest& request) {
    return with_box(request, directory, [&](const std::string& box, const User& user) {
      store->unlock(box);
      return json_response(200, status_of(*store, box, user));
    });
  });
}

}  // namespace junction
