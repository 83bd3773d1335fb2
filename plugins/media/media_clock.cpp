#include "media_clock.hpp"

#include <algorithm>

namespace junction::media {

MediaClock::MediaClock(asio::io_context& io, std::chrono::milliseconds period, int slots)
    : timer_(io),
      period_(period),
      slot_length_(std::chrono::duration_cast<std::chrono::microseconds>(period) / std::max(slots, 1)),
      slots_(static_cast<std::size_t>(std::max(slots, 1))) {}

void MediaClock::add(Job job) {
  if (ticking_) {
    added_.push_back(std::move(job));
    return;
  }
  auto least =
      std::min_element(slots_.begin(), slots_.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  least->push_back(std::move(job));
  ++jobs_;
  if (running_) return;
  running_ = true;
  current_ = static_cast<std::size_t>(least - slots_.begin());
  next_ = std::chrono::steady_clock::now();
  tick();
}

void MediaClock::tick() {
  ticking_ = true;
  auto& slot = slots_[current_];
  std::size_t kept = 0;
  for (std::size_t i = 0; i < slot.size(); ++i) {
    if (slot[i]()) {
      if (kept != i) slot[kept] = std::move(slot[i]);
      ++kept;
    }
  }
  jobs_ -= slot.size() - kept;
  slot.resize(kept);
  ticking_ = false;
  for (auto& job : added_) add(std::move(job));
  added_.clear();
  if (jobs_ == 0) {
    running_ = false;
    return;
  }
  // Absolute deadlines: a late slot does not push every later one back. After a stall of more
  // than a period (a paused VM) the schedule restarts from now rather than sending a backlog.
  next_ += slot_length_;
  if (const auto now = std::chrono::steady_clock::now(); now - next_ > period_) next_ = now;
  current_ = (current_ + 1) % slots_.size();
  timer_.expires_at(next_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

}  // namespace junction::media
