#include "core/exec/manual_executor.hpp"

namespace junction {

TimerId ManualExecutor::call_after(std::chrono::milliseconds delay, Task task) {
  const TimerId id = next_id_++;
  const Clock::time_point due = now_ + delay;
  timers_.emplace(TimerKey{due, id}, std::move(task));
  due_by_id_.emplace(id, due);
  return id;
}

bool ManualExecutor::cancel(TimerId timer) {
  auto it = due_by_id_.find(timer);
  if (it == due_by_id_.end()) return false;
  timers_.erase(TimerKey{it->second, timer});
  due_by_id_.erase(it);
  return true;
}

std::size_t ManualExecutor::run_ready() {
  std::size_t ran = 0;
  while (!queue_.empty()) {
    Task task = std::move(queue_.front());
    queue_.pop_front();
    task();
    ++ran;
  }
  return ran;
}

bool ManualExecutor::fire_next_timer() {
  run_ready();
  if (timers_.empty()) return false;
  auto node = timers_.extract(timers_.begin());
  due_by_id_.erase(node.key().id);
  if (node.key().due > now_) now_ = node.key().due;
  node.mapped()();
  run_ready();
  return true;
}

std::size_t ManualExecutor::advance(std::chrono::milliseconds delta) {
  const Clock::time_point target = now_ + delta;
  std::size_t fired = 0;
  run_ready();
  while (!timers_.empty() && timers_.begin()->first.due <= target) {
    fire_next_timer();
    ++fired;
  }
  now_ = target;
  run_ready();
  return fired;
}

}  // namespace junction
