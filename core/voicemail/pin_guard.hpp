// Mailbox PINs: checked in constant time, stored salted and hashed (PBKDF2) once a user changes theirs,
// and throttled per mailbox. After `failures_before_lockout` wrong PINs in a row the mailbox
// refuses every PIN (the right one too) for `lockout`, doubling with each lockout up to
// `lockout_max`; the state is stored, so neither a new call nor a restart resets it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace junction {

struct PinPolicy {
  int failures_before_lockout = 3;
  std::chrono::seconds lockout{60};
  std::chrono::seconds lockout_max{3600};
};

struct PinState {
  std::string salt;  ///< hex; with `hash`, the PIN the user chose (empty: the configured PIN applies)
  std::string hash;  ///< "pbkdf2-sha256:<iterations>:<hex>" of the PIN with the salt
  int failures = 0;  ///< wrong PINs since the last right one or lockout
  int lockouts = 0;  ///< lockouts since the last right PIN
  std::chrono::system_clock::time_point locked_until{};
};

enum class PinVerdict {
  accepted,
  wrong,   ///< `wait` > 0 when this failure locked the mailbox
  locked,  ///< not even checked; `wait` is how long it stays locked
  no_pin,  ///< the mailbox has no PIN: its menu is closed
};

struct PinCheck {
  PinVerdict verdict = PinVerdict::wrong;
  std::chrono::seconds wait{0};
};

/// Checks `entered` against the mailbox's PIN (the stored one, else `configured`) and updates
/// `state`'s throttle: pin_gate, then record_attempt with pin_matches. The three are apart so that
/// a store can hash (slow on purpose) without holding its lock.
PinCheck check_pin(PinState& state, std::string_view configured, std::string_view entered,
                   std::chrono::system_clock::time_point now, const PinPolicy& policy);

/// Locked, or no PIN at all: the answer without looking at the PIN entered.
std::optional<PinCheck> pin_gate(const PinState& state, std::string_view configured,
                                 std::chrono::system_clock::time_point now);
/// Whether `entered` is the PIN (PBKDF2 for a stored one: tens of milliseconds).
bool pin_matches(const PinState& state, std::string_view configured, std::string_view entered);
/// Counts a right or wrong PIN into the throttle (a lockout when it is one wrong too many).
PinCheck record_attempt(PinState& state, bool right, std::chrono::system_clock::time_point now,
                        const PinPolicy& policy);

/// Makes `pin` the mailbox's PIN, with a new salt; the throttle starts afresh.
void store_pin(PinState& state, std::string_view pin);

/// Why `pin` cannot be a PIN ("4 to 12 digits"), or empty.
std::string pin_problem(std::string_view pin);

}  // namespace junction
