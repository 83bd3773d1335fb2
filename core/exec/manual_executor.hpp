// A single-threaded Executor with a virtual clock, for tests: nothing runs until the test
// says so, and time moves only when the test advances it.
#pragma once

#include <deque>
#include <map>
#include <utility>

#include "junction/executor.hpp"

namespace junction {

class ManualExecutor final : public Executor {
 public:
  void post(Task task) override { queue_.push_back(std::move(task)); }
  TimerId call_after(std::chrono::milliseconds delay, Task task) override;
  bool cancel(TimerId timer) override;
  Clock::time_point now() const override { return now_; }

  /// Runs queued tasks (and tasks they queue) until none is left. Returns how many ran.
  std::size_t run_ready();
  /// Moves the clock forward by `delta`, firing due timers in time order and running the
  /// tasks they queue. Returns how many timers fired.
  std::size_t advance(std::chrono::milliseconds delta);
  /// Advances to the next timer (if any) and fires it. Returns false when none is pending.
  bool fire_next_timer();

  std::size_t pending_timers() const { return timers_.size(); }
  std::size_t queued_tasks() const { return queue_.size(); }

 private:
  struct TimerKey {
    Clock::time_point due;
    TimerId id;
    bool operator<(const TimerKey& other) const { return due != other.due ? due < other.due : id < other.id; }
  };

  // Starts an hour after steady_clock's epoch so that no real time point equals the default.
  Clock::time_point now_{std::chrono::hours(1)};
  std::deque<Task> queue_;
  std::map<TimerKey, Task> timers_;
  std::map<TimerId, Clock::time_point> due_by_id_;
  TimerId next_id_ = 1;
};

}  // namespace junction
