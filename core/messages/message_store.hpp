// The embedded default store of the message spool: SQLite in WAL mode (synchronous=FULL) for
// the records and their history, plus a directory per message for its files. A message is
// written files first (each fsynced, the directory renamed into place, the parent fsynced) and
// then its record, in one transaction for a whole batch: a record never exists without its
// files, and what store() returns is on disk. recover() tidies what a crash left behind.
// Not thread-safe: the spool's writer thread owns it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/storage/sqlite_db.hpp"
#include "junction/messages.hpp"

namespace junction {

/// A stored part's bytes, read from the spool `directory` and checked against its size and
/// SHA-256; throws std::runtime_error naming the message and part when it is missing or
/// differs. Touches files only: safe on any thread.
std::string read_stored_part(const std::filesystem::path& directory, const MessageRecord& message,
                             const StoredPart& part);

class MessageStore {
 public:
  struct Options {
    std::filesystem::path directory;
    /// Free space kept for the messages already accepted: a new one that would eat into it
    /// is refused ("spool full").
    std::uint64_t reserve_bytes = 64ull << 20;
  };
  /// Opens (creating) the store. Throws std::runtime_error naming the file on failure.
  explicit MessageStore(Options options);

  /// Each message's id, or the error that refused it (nothing of it is kept then).
  struct Accepted {
    std::string id;
    std::string error;
  };
  /// Writes the batch durably. Bad messages (no recipient, no part, an unsafe part name, a
  /// header with a line break) and messages the disk has no room for are refused one by one;
  /// the others are accepted together.
  std::vector<Accepted> store(const std::vector<NewMessage>& batch);

  std::optional<MessageRecord> find(const std::string& id);
  /// Messages a delivery may start on now: queued, or retrying with their time come; oldest first.
  std::vector<MessageRecord> due(std::chrono::system_clock::time_point now, std::size_t limit);
  /// Messages in `state` (all when nullopt), newest first.
  std::vector<MessageRecord> list(std::optional<MessageState> state, std::size_t limit);
  std::vector<MessageEvent> history(const std::string& id);

  /// Moves a message to `state`, recording why. `attempted`: a delivery attempt ended here.
  /// Delivered messages lose their files. False when there is no such message.
  bool set_state(const std::string& id, MessageState state, const std::string& detail,
                 std::chrono::system_clock::time_point next_attempt = {}, bool attempted = false);

  struct StateChange {
    std::string id;
    MessageState state = MessageState::queued;
    std::string detail;
    std::chrono::system_clock::time_point next_attempt{};  ///< default: now
    bool attempted = false;
  };
  /// set_state for many messages in one transaction (one fsync). Returns how many existed.
  std::size_t apply(const std::vector<StateChange>& changes);

  /// Forgets delivered messages (record, parts, history) whose last change is before `before`,
  /// at most `limit` of them; returns how many. Other states are never purged: dead and
  /// quarantined messages wait for an operator.
  std::size_t purge_delivered(std::chrono::system_clock::time_point before, std::size_t limit = 1000);

  std::string read_part(const MessageRecord& message, const StoredPart& part) const {
    return read_stored_part(options_.directory, message, part);
  }
  std::filesystem::path part_path(const std::string& id, const std::string& part) const;

  struct Recovery {
    int partial_removed = 0;  ///< half-written messages nobody was told about
    int orphans_removed = 0;  ///< files without a record (a crash between the two)
    int requeued = 0;         ///< deliveries a crash interrupted: they go again
    int quarantined = 0;      ///< records whose files are missing or of the wrong size
  };
  /// Run once at start, before deliveries.
  Recovery recover();

 private:
  std::string new_id();
  MessageRecord read_record(SqliteDb::Statement& select);
  void add_event(const std::string& id, MessageState state, const std::string& detail,
                 std::chrono::system_clock::time_point at);

  Options options_;
  std::filesystem::path files_;
  SqliteDb db_;
  std::mt19937_64 random_{std::random_device{}()};
};

/// Why `message` cannot be accepted, or "" when it can.
std::string message_problem(const NewMessage& message);

}  // namespace junction
