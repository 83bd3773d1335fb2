// Toll-fraud protection: a source that keeps failing authentication is blocked for a while.
// Failures are counted per source address in a sliding window; memory stays bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace junction::sip {

struct AuthThrottlePolicy {
  int max_failures = 5;  ///< failures within `window` that trigger a block
  std::chrono::seconds window{60};
  std::chrono::seconds block_for{600};
  std::size_t max_tracked_sources = 100'000;  ///< beyond this, the oldest entries are dropped
};

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AuthThrottle(AuthThrottlePolicy policy) : policy_(policy) {}

  /// True while `source` is blocked: answer it with 403 (or drop it) without checking anything.
  bool blocked(const std::string& source, Clock::time_point now) const;
  /// Records a failed authentication. Returns true when this failure started a block.
  bool failed(const std::string& source, Clock::time_point now);
  /// A successful authentication clears the source's failures.
  void succeeded(const std::string& source) { sources_.erase(source); }

  std::size_t tracked_sources() const { return sources_.size(); }
  std::size_t blocked_sources(Clock::time_point now) const;

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point window_start{};
    Clock::time_point blocked_until{};
  };
  void forget_old(Clock::time_point now);

  AuthThrottlePolicy policy_;
  std::unordered_map<std::string, Entry> sources_;
};

}  // namespace junction::sip
