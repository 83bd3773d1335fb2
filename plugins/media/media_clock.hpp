// One clock per media thread for every channel that sends audio: a 20 ms frame period cut into
// slots (2 ms each by default); each channel is served in one slot, every period. Fewer timer
// operations than a timer per channel, and the sends are spread over the period instead of
// leaving in one burst whose length would shake every interval. Media thread only.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "core/asio.hpp"

namespace junction::media {

class MediaClock {
 public:
  /// Runs every period; returns false when it has nothing more to do (it is then dropped).
  using Job = std::function<bool()>;

  explicit MediaClock(asio::io_context& io, std::chrono::milliseconds period = std::chrono::milliseconds(20),
                      int slots = 10);

  std::chrono::milliseconds period() const { return period_; }
  /// Media thread only. The job joins the least busy slot and first runs when that slot comes.
  void add(Job job);

 private:
  void tick();

  asio::steady_timer timer_;
  std::chrono::milliseconds period_;
  std::chrono::microseconds slot_length_;
  std::vector<std::vector<Job>> slots_;
  std::vector<Job> added_;  // jobs added while a slot runs, placed after it
  std::size_t current_ = 0;
  std::size_t jobs_ = 0;
  bool running_ = false;
  bool ticking_ = false;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace junction::media
