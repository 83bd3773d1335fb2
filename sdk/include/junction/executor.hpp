// Where work runs. The call loop is one Executor; blocking work goes to the worker pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace junction {

using Clock = std::chrono::steady_clock;
using Task = std::function<void()>;

/// Identifies a scheduled timer so it can be cancelled. 0 is never a valid id.
using TimerId = std::uint64_t;

/// A single-threaded event loop (or a test clock that behaves like one).
/// All methods may be called from any thread; tasks run on the loop's own thread.
class Executor {
 public:
  virtual ~Executor() = default;

  /// Runs `task` on the loop, after the tasks already queued.
  virtual void post(Task task) = 0;

  /// Runs `task` on the loop once `delay` has passed. Returns an id for cancel().
  virtual TimerId call_after(std::chrono::milliseconds delay, Task task) = 0;

  /// Cancels a pending timer. Returns false when it already ran or was cancelled.
  /// Must be called on the loop's thread.
  virtual bool cancel(TimerId timer) = 0;

  /// The loop's notion of now (a virtual clock in tests).
  virtual Clock::time_point now() const = 0;
};

/// Runs blocking work (SMTP, fsync, file conversion) off the call loop.
class WorkerPool {
 public:
  virtual ~WorkerPool() = default;

  /// Runs `work` on a worker thread, then `done` on `done_on` (typically the call loop).
  virtual void run(Task work, Executor& done_on, Task done) = 0;
};

}  // namespace junction
