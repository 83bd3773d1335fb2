#include "core/messages/message_spool.hpp"

#include <cstdio>

#include <future>

namespace junction {

MessageSpoolService::MessageSpoolService(MessageStore::Options options, Executor& loop, Metrics& metrics,
                                         std::size_t max_batch)
    : loop_(loop),
      max_batch_(max_batch ? max_batch : 1),
      accepted_(metrics.counter("junction_spool_accepted_total", "messages stored durably")),
      refused_(metrics.counter("junction_spool_refused_total", "messages the spool refused (bad, or no room)")),
      batches_total_(metrics.counter("junction_spool_batches_total", "spool transactions (group commits)")) {
  // The store is opened and recovered on the writer thread; a failure to open is the
  // daemon's start-up error, thrown here.
  auto opened = std::make_shared<std::promise<void>>();  // shared: the thread may still hold it
  auto ready = opened->get_future();
  thread_ = std::thread([this, options = std::move(options), opened]() mutable {
    std::unique_ptr<MessageStore> store;
    try {
      store = std::make_unique<MessageStore>(std::move(options));
      recovery_ = store->recover();
      opened->set_value();
    } catch (...) {
      opened->set_exception(std::current_exception());
      return;
    }
    std::unique_lock guard(lock_);
    while (true) {
      wake_.wait(guard, [this] { return stopping_ || !accepts_.empty() || !jobs_.empty(); });
      if (!jobs_.empty()) {
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        guard.unlock();
        try {
          job(*store);
        } catch (const std::exception& e) {
          // A job reports its own failures; one that did not (a disk error from SQLite) must not
          // take the writer thread, and with it the daemon, down.
          std::fprintf(stderr, "spool: a job on the writer thread failed: %s\n", e.what());
        }
        guard.lock();
        continue;
      }
      if (!accepts_.empty()) {
        std::vector<Pending> batch;
        while (!accepts_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(accepts_.front()));
          accepts_.pop_front();
        }
        guard.unlock();
        write_batch(*store, batch);
        guard.lock();
        continue;
      }
      if (stopping_) return;
    }
  });
  try {
    ready.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

MessageSpoolService::~MessageSpoolService() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MessageSpoolService::accept(NewMessage message, AcceptDone done) {
  {
    std::lock_guard guard(lock_);
    accepts_.push_back({std::move(message), std::move(done)});
  }
  wake_.notify_one();
}

void MessageSpoolService::run(std::function<void(MessageStore&)> job) {
  {
    std::lock_guard guard(lock_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void MessageSpoolService::write_batch(MessageStore& store, std::vector<Pending>& batch) {
  std::vector<NewMessage> messages;
  messages.reserve(batch.size());
  for (auto& pending : batch) messages.push_back(std::move(pending.message));
  const auto results = store.store(messages);
  ++batches_;
  batches_total_.add();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    (results[i].error.empty() ? accepted_ : refused_).add();
    loop_.post([done = std::move(batch[i].done), result = results[i]] { done(result.id, result.error); });
  }
}

}  // namespace junction
