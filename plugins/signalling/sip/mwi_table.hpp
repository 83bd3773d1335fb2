// The message-waiting subscriptions the plugin holds, without any SIP stack: which mailbox each
// watches, when it expires, and the limits (per user and in all) that keep a flood of
// SUBSCRIBEs from growing memory without bound. The sofia glue keeps the dialogs by the ids
// handed out here. One thread only (the sofia thread in the plugin).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace junction::sip {

class MwiTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  MwiTable(std::size_t max_per_user, std::size_t max_total);

  /// What adding a subscription to `box` takes. Changes nothing.
  struct Admission {
    bool admitted = false;    ///< false: every place is taken (answer 503)
    std::vector<Id> evicted;  ///< to remove first: the box's least recently refreshed (ending ones first)
  };
  Admission admit(const std::string& box) const;

  /// Adds an active subscription (after admit() and removing what it named).
  Id add(const std::string& box, Clock::time_point expires, Clock::time_point now);
  /// A refresh: a new expiry. False for an unknown or ending subscription.
  bool refresh(Id id, Clock::time_point expires, Clock::time_point now);
  /// The subscription is ending (its final NOTIFY is on its way): no more changes or expiry
  /// for it, but it keeps its place until remove().
  void end(Id id);
  void remove(Id id);

  bool active(Id id) const;
  std::optional<Clock::time_point> expires(Id id) const;
  /// The active subscriptions of `box`.
  std::vector<Id> of_box(const std::string& box) const;
  /// The active subscriptions whose time is up at `now`, soonest first.
  std::vector<Id> expired(Clock::time_point now) const;
  /// When the next active subscription expires.
  std::optional<Clock::time_point> next_expiry() const;

  std::size_t size() const { return entries_.size(); }  ///< held, ending ones included
  std::size_t active_count() const { return expiry_.size(); }
  std::size_t count(const std::string& box) const;  ///< held for `box`

 private:
  struct Entry {
    std::string box;
    Clock::time_point expires;
    Clock::time_point refreshed;
    bool active = true;
  };

  std::size_t max_per_user_;
  std::size_t max_total_;
  Id next_id_ = 1;
  std::unordered_map<Id, Entry> entries_;
  std::unordered_map<std::string, std::set<Id>> by_box_;
  std::set<std::pair<Clock::time_point, Id>> expiry_;  // active ones only
};

}  // namespace junction::sip
