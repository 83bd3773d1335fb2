#include "core/exec/thread_worker_pool.hpp"

namespace junction {

ThreadWorkerPool::ThreadWorkerPool(unsigned threads) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { worker_loop(); });
}

ThreadWorkerPool::~ThreadWorkerPool() { shutdown(); }

void ThreadWorkerPool::run(Task work, Executor& done_on, Task done) {
  Task job = [work = std::move(work), &done_on, done = std::move(done)]() mutable {
    work();
    if (done) done_on.post(std::move(done));
  };
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;  // the daemon is going down; the caller's completion never comes
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ThreadWorkerPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void ThreadWorkerPool::worker_loop() {
  for (;;) {
    Task job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace junction
