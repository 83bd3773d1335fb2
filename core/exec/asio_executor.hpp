// The production call loop: an Executor backed by a Boost.Asio io_context.
#pragma once

#include <atomic>
#include <memory>
#include <unordered_map>

#include "core/asio.hpp"
#include "junction/executor.hpp"

namespace junction {

class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(asio::io_context& io) : io_(io) {}
  ~AsioExecutor() override;

  void post(Task task) override;
  TimerId call_after(std::chrono::milliseconds delay, Task task) override;
  bool cancel(TimerId timer) override;
  Clock::time_point now() const override { return Clock::now(); }

  asio::io_context& io() { return io_; }
  /// Timers scheduled and not yet run or cancelled.
  std::size_t pending_timers() const { return timers_.size(); }

 private:
  asio::io_context& io_;
  // Timers are only touched on the loop thread; call_after from another thread posts.
  std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
  std::atomic<TimerId> next_id_{1};
};

}  // namespace junction
