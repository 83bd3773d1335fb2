#include "core/exec/asio_executor.hpp"

namespace junction {

AsioExecutor::~AsioExecutor() = default;

void AsioExecutor::post(Task task) { asio::post(io_, std::move(task)); }

TimerId AsioExecutor::call_after(std::chrono::milliseconds delay, Task task) {
  const TimerId id = next_id_.fetch_add(1, std::memory_order_relaxed);
  auto arm = [this, id, delay, task = std::move(task)]() mutable {
    auto timer = std::make_unique<asio::steady_timer>(io_, delay);
    timer->async_wait([this, id, task = std::move(task)](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the entry is already gone
      if (timers_.erase(id) == 0) return;
      task();
    });
    timers_.emplace(id, std::move(timer));
  };
  if (io_.get_executor().running_in_this_thread()) {
    arm();
  } else {
    asio::post(io_, std::move(arm));
  }
  return id;
}

bool AsioExecutor::cancel(TimerId timer) {
  auto it = timers_.find(timer);
  if (it == timers_.end()) return false;
  // Destroying the timer cancels its wait; the handler then sees operation_aborted.
  timers_.erase(it);
  return true;
}

}  // namespace junction
