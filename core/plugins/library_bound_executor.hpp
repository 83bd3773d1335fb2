// The executor and worker pool as a plugin sees them: every task the plugin queues holds a
// reference on the plugin's library, so a task still queued when the plugin stops (or the
// host goes away) can run or be destroyed without jumping into unmapped code.
#pragma once

#include "core/plugins/library_keepalive.hpp"
#include "junction/executor.hpp"

namespace junction {

class LibraryBoundExecutor final : public Executor {
 public:
  LibraryBoundExecutor(Executor& inner, LibraryRef library) : inner_(inner), library_(std::move(library)) {}
  void post(Task task) override { inner_.post(keep_library_alive(std::move(task), library_)); }
  TimerId call_after(std::chrono::milliseconds delay, Task task) override {
    return inner_.call_after(delay, keep_library_alive(std::move(task), library_));
  }
  bool cancel(TimerId timer) override { return inner_.cancel(timer); }
  Clock::time_point now() const override { return inner_.now(); }

 private:
  Executor& inner_;
  LibraryRef library_;
};

class LibraryBoundWorkerPool final : public WorkerPool {
 public:
  LibraryBoundWorkerPool(WorkerPool& inner, LibraryRef library) : inner_(inner), library_(std::move(library)) {}
  void run(Task work, Executor& done_on, Task done) override {
    inner_.run(keep_library_alive(std::move(work), library_), done_on, keep_library_alive(std::move(done), library_));
  }

 private:
  WorkerPool& inner_;
  LibraryRef library_;
};

}  // namespace junction
