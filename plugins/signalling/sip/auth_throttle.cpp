#include "auth_throttle.hpp"

#include <algorithm>

namespace junction::sip {

bool AuthThrottle::blocked(const std::string& source, Clock::time_point now) const {
  auto it = sources_.find(source);
  return it != sources_.end() && it->second.blocked_until > now;
}

bool AuthThrottle::failed(const std::string& source, Clock::time_point now) {
  if (sources_.size() >= policy_.max_tracked_sources && !sources_.count(source)) forget_old(now);
  Entry& entry = sources_[source];
  if (entry.blocked_until > now) return false;
  if (entry.failures == 0 || now - entry.window_start > policy_.window) {
    entry.failures = 0;
    entry.window_start = now;
  }
  if (++entry.failures < policy_.max_failures) return false;
  entry.blocked_until = now + policy_.block_for;
  entry.failures = 0;
  return true;
}

std::size_t AuthThrottle::blocked_sources(Clock::time_point now) const {
  return static_cast<std::size_t>(
      std::count_if(sources_.begin(), sources_.end(), [&](const auto& e) { return e.second.blocked_until > now; }));
}

// Drops entries that neither block nor count any more; if that is not enough (a flood of
// distinct sources), drops the ones that are not blocked, so the blocks stay in force.
void AuthThrottle::forget_old(Clock::time_point now) {
  std::erase_if(sources_, [&](const auto& e) {
    return e.second.blocked_until <= now && now - e.second.window_start > policy_.window;
  });
  if (sources_.size() >= policy_.max_tracked_sources)
    std::erase_if(sources_, [&](const auto& e) { return e.second.blocked_until <= now; });
}

}  // namespace junction::sip
