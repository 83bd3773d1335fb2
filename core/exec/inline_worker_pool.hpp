// A WorkerPool that runs the work at once on the caller's thread and queues the completion:
// for tests and tools that run everything on one thread.
#pragma once

#include "junction/executor.hpp"

namespace junction {

class InlineWorkerPool final : public WorkerPool {
 public:
  void run(Task work, Executor& done_on, Task done) override {
    work();
    if (done) done_on.post(std::move(done));
  }
};

}  // namespace junction
