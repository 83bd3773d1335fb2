// Voice mailboxes as plugins see them: how many messages wait in each user's mailbox (for
// message-waiting lamps, RFC 3842), and word when that changes.
#pragma once

#include <string>
#include <string_view>

namespace junction {

struct MailboxCounts {
  int new_messages = 0;    ///< not heard yet
  int saved_messages = 0;  ///< heard and kept
  bool operator==(const MailboxCounts&) const = default;
};

/// Call loop only.
class Mailboxes {
 public:
  virtual ~Mailboxes() = default;
  /// The counts of `box` (a user's extension); zero for a box with no messages or no such box.
  virtual MailboxCounts counts(std::string_view box) const = 0;
};

/// Registered with Registrar::add_mailbox_watcher; told on the call loop whenever a mailbox's
/// counts change (a message arrived, was heard and saved, or deleted).
class MailboxWatcher {
 public:
  virtual ~MailboxWatcher() = default;
  virtual void mailbox_changed(const std::string& box, const MailboxCounts& counts) = 0;
};

}  // namespace junction
