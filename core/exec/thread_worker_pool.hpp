// A fixed pool of threads for blocking work; results are posted back to an executor.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "junction/executor.hpp"

namespace junction {

class ThreadWorkerPool final : public WorkerPool {
 public:
  explicit ThreadWorkerPool(unsigned threads);
  ~ThreadWorkerPool() override;  // finishes queued work, then joins

  void run(Task work, Executor& done_on, Task done) override;
  /// Stops accepting work, finishes what is queued and joins the threads. Idempotent.
  void shutdown();

 private:
  void worker_loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace junction
