// Message-waiting indication (RFC 3842 message-summary over RFC 6665 SUBSCRIBE/NOTIFY) without
// any SIP stack: the body of a NOTIFY, how long a subscription lasts, the Subscription-State
// values and the checks of Event and Accept. Used on both threads; plain values only.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "junction/mailboxes.hpp"

namespace junction::sip {

inline constexpr std::string_view kMessageSummaryEvent = "message-summary";
inline constexpr std::string_view kMessageSummaryType = "application/simple-message-summary";

/// Limits of the subscriptions the plugin keeps (config block `mwi`).
struct MwiPolicy {
  std::chrono::seconds min_expires{60};    ///< shorter (non-zero) requests get 423 with Min-Expires
  std::chrono::seconds max_expires{3600};  ///< longer ones are shortened; also the default
  std::size_t max_per_user = 10;           ///< beyond: the user's least recently refreshed goes
  std::size_t max_subscriptions = 10000;   ///< beyond: 503
};

/// The application/simple-message-summary body (RFC 3842) for the mailbox `account`
/// ("sip:1001@pbx.example"): Messages-Waiting, Message-Account and Voice-Message new/saved.
std::string message_summary(std::string_view account, const MailboxCounts& counts);

/// What a SUBSCRIBE's Expires asks for, under the policy.
struct ExpiryDecision {
  enum class Kind {
    accept,       ///< subscribe (or refresh) for `seconds`
    unsubscribe,  ///< Expires: 0: answer 200, then a final NOTIFY
    too_brief,    ///< answer 423 with Min-Expires: `seconds`
  };
  Kind kind = Kind::accept;
  long long seconds = 0;
};
/// No Expires: one hour (RFC 3842's default duration), within the policy's bounds.
ExpiryDecision decide_expiry(std::optional<long long> requested, const MwiPolicy& policy);

/// Whether an Event header's type names the message-summary package (case-insensitive).
bool is_message_summary(std::string_view event_type);
/// Whether a request with these Accept media types ("type/subtype", possibly with wildcards)
/// takes application/simple-message-summary. No Accept header (empty) takes it.
bool accepts_message_summary(const std::vector<std::string>& accept);

/// "active;expires=N".
std::string subscription_active(long long seconds_left);
/// "terminated", or "terminated;reason=R" when `reason` is not empty.
std::string subscription_terminated(std::string_view reason);

/// Whole seconds from `now` until `expires`, rounded up; 0 once it has passed.
long long seconds_until(std::chrono::steady_clock::time_point expires, std::chrono::steady_clock::time_point now);

}  // namespace junction::sip
