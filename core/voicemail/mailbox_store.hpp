// The users' voice mailboxes, on disk: one SQLite database (WAL, synchronous=FULL) and a
// folder per mailbox with its messages (`msg-<id>.wav`) and greetings (`greeting-busy.wav`
// ...). A message is in the mailbox once its file is fsynced in place and its row committed.
// Blocking, and safe to use from several worker threads (one lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/storage/sqlite_db.hpp"
#include "core/voicemail/pin_guard.hpp"
#include "junction/mailboxes.hpp"

namespace junction {

/// A refusal to tell the caller ("mailbox full", "no such message").
class MailboxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class VoicemailFolder { fresh, saved };  ///< "new" (not heard) and "saved" (heard, kept)

struct VoicemailInfo {
  std::string caller;
  std::string caller_name;
  std::int64_t duration_ms = 0;
};

struct VoicemailEntry {
  std::string id;
  VoicemailInfo info;
  std::chrono::system_clock::time_point created{};
  VoicemailFolder folder = VoicemailFolder::fresh;
  std::filesystem::path file;  ///< absolute
};

/// Which greetings a mailbox may have.
inline constexpr const char* kGreetingKinds[] = {"unavailable", "busy", "name"};
bool is_greeting_kind(std::string_view kind);
/// Why `box` cannot name a mailbox folder, or empty.
std::string mailbox_name_problem(std::string_view box);

class MailboxStore {
 public:
  struct Options {
    std::filesystem::path directory;
    int max_messages = 100;  ///< per mailbox; more are refused with "mailbox full"
    /// Free disk kept: a recording that would eat into it is refused ("mailbox storage full").
    std::uint64_t reserve_bytes = 64ull << 20;
  };
  struct Recovery {
    int partial_removed = 0;  ///< copies a crash interrupted
    int orphans_removed = 0;  ///< files whose row was never committed
    int rows_dropped = 0;     ///< rows whose file is gone
  };

  explicit MailboxStore(Options options);
  const Recovery& recovery() const { return recovery_; }

  /// Copies `recording` into `box`; returns the new message's id. Throws MailboxError.
  std::string deposit(const std::string& box, const std::filesystem::path& recording, const VoicemailInfo& info);
  /// New messages first, then saved ones; oldest first within each.
  std::vector<VoicemailEntry> list(const std::string& box);
  /// Throws MailboxError when there is no such message.
  void move(const std::string& box, const std::string& id, VoicemailFolder folder);
  void remove(const std::string& box, const std::string& id);
  /// A copy of the message in `to` (new there); returns its id.
  std::string forward(const std::string& box, const std::string& id, const std::string& to);

  MailboxCounts counts(const std::string& box) { return read_counts(box).counts; }
  /// The counts with the place of this read among all reads: of two reads, the later one saw
  /// every change the earlier one did (their answers may reach the call loop in either order).
  struct CountsRead {
    MailboxCounts counts;
    std::uint64_t sequence = 0;
  };
  CountsRead read_counts(const std::string& box);
  std::map<std::string, MailboxCounts> all_counts();

  /// The greeting's file when one is recorded.
  std::optional<std::filesystem::path> greeting(const std::string& box, const std::string& kind);
  void set_greeting(const std::string& box, const std::string& kind, const std::filesystem::path& recording);
  void remove_greeting(const std::string& box, const std::string& kind);

  /// Checks a PIN and updates the mailbox's throttle, as one step (two calls trying at once
  /// cannot both use the same failure count). `configured` is the PIN from the config.
  PinCheck try_pin(const std::string& box, std::string_view configured, std::string_view entered,
                   const PinPolicy& policy);
  /// The mailbox's PIN from now on (the configured one no longer applies).
  void change_pin(const std::string& box, std::string_view pin);
  PinState pin_state(const std::string& box);
  /// Ends a lockout and forgets the wrong PINs counted (an operator's help); the PIN stays.
  void unlock(const std::string& box);

 private:
  std::filesystem::path box_directory(const std::string& box);
  std::string new_id();
  /// Throws MailboxError when copying `file` would eat into the disk reserve.
  void check_space(const std::filesystem::path& file);
  std::optional<VoicemailEntry> find(const std::string& box, const std::string& id);
  void recover();
  PinState read_pin_state(const std::string& box);
  void write_pin_state(const std::string& box, const PinState& state);

  Options options_;
  std::mutex mutex_;
  SqliteDb db_;
  std::mt19937_64 random_{std::random_device{}()};
  Recovery recovery_;
  std::uint64_t reads_ = 0;  // under mutex_
};

}  // namespace junction
