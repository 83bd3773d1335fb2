// Messages (voice and fax messages, e-mail to send) as the durable spool keeps them and mail
// connectors deliver them. Plain values: a message is accepted once its files and record are
// on disk, and from then on moves through explicit states until it is delivered or dead.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "junction/call.hpp"

namespace junction {

enum class MessageKind { voice, fax, email };

enum class MessageState {
  queued,       ///< accepted, waiting for a delivery attempt
  delivering,   ///< a connector has it now
  retrying,     ///< the last attempt failed; the next is at next_attempt
  delivered,    ///< the connector confirmed it (its files are gone, the record stays)
  dead,         ///< given up (permanent failure or too many attempts); an operator may retry
  quarantined,  ///< its files are missing or damaged; kept for an operator to look at
};

struct MessagePart {
  std::string name;          ///< a plain file name within the message ("message.wav")
  std::string content_type;  ///< "audio/wav"
  std::string data;          ///< the bytes, when submitting
};

/// What is handed to the spool.
struct NewMessage {
  MessageKind kind = MessageKind::voice;
  std::string sender;                   ///< a number or a user's extension
  std::vector<std::string> recipients;  ///< extensions or e-mail addresses
  Headers headers;                      ///< what templates read: caller name, duration ...
  std::vector<MessagePart> parts;
};

struct StoredPart {
  std::string name;
  std::string content_type;
  std::uint64_t size = 0;
  std::string sha256;  ///< hex, of the bytes as accepted
};

struct MessageRecord {
  std::string id;  ///< stable: the mail's Message-ID is made from it, so a mailbox sees it once
  MessageKind kind = MessageKind::voice;
  std::string sender;
  std::vector<std::string> recipients;
  Headers headers;
  std::vector<StoredPart> parts;
  MessageState state = MessageState::queued;
  int attempts = 0;
  std::chrono::system_clock::time_point created{};
  std::chrono::system_clock::time_point next_attempt{};
  std::string last_error;
};

/// One step of a message's life: when, the state it entered and why.
struct MessageEvent {
  std::chrono::system_clock::time_point at{};
  MessageState state = MessageState::queued;
  std::string detail;
};

/// The durable spool as plugins see it (Host::messages()). Call loop only.
class MessageSpool {
 public:
  virtual ~MessageSpool() = default;
  /// Stores `message` durably. `done` runs on the call loop with its id once it is on disk
  /// (tell the caller "saved" only then), or with an empty id and why it was refused.
  virtual void accept(NewMessage message,
                      std::function<void(const std::string& id, const std::string& error)> done) = 0;
  /// A plugin is still writing `file` (a recording that outlives its verb, as one the caller
  /// ended by hanging up): save_message{} of that file waits for file_written().
  virtual void file_in_progress(const std::string& file) = 0;
  virtual void file_written(const std::string& file) = 0;
};

/// How a delivery attempt ended.
struct DeliveryResult {
  enum class Outcome {
    delivered,  ///< the far side took it (SMTP 250, the file is in the folder)
    retry,      ///< try again later (SMTP 4xx, a server down, a full disk)
    failed,     ///< it will never work (SMTP 5xx): dead, until an operator retries it
  };
  Outcome outcome = Outcome::retry;
  std::string detail;  ///< what the far side said, for the message's history and the logs
};

/// A way out for messages (SMTP, a pickup folder), registered with
/// Registrar::add_message_connector and chosen by name in the daemon's `spool.connector`.
class MessageConnector {
 public:
  virtual ~MessageConnector() = default;
  virtual std::string_view name() const = 0;
  /// Delivers `message`; `parts` holds its parts' bytes in order, already checked against
  /// what was stored. Runs on a worker and may block. A message can be delivered again after a
  /// crash: build its Message-ID from message.id so that the mailbox sees one message.
  virtual DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) = 0;
};

inline constexpr std::string_view kMessageKindNames[] = {"voice", "fax", "email"};
inline constexpr std::string_view kMessageStateNames[] = {"queued",    "delivering", "retrying",
                                                          "delivered", "dead",       "quarantined"};

constexpr std::string_view to_string(MessageKind kind) { return kMessageKindNames[static_cast<int>(kind)]; }
constexpr std::string_view to_string(MessageState state) { return kMessageStateNames[static_cast<int>(state)]; }

inline std::optional<MessageKind> message_kind_from(std::string_view text) {
  for (int i = 0; i < 3; ++i)
    if (kMessageKindNames[i] == text) return static_cast<MessageKind>(i);
  return std::nullopt;
}

inline std::optional<MessageState> message_state_from(std::string_view text) {
  for (int i = 0; i < 6; ++i)
    if (kMessageStateNames[i] == text) return static_cast<MessageState>(i);
  return std::nullopt;
}

}  // namespace junction
