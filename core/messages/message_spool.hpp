// The durable message spool as the daemon runs it: one writer thread owns the MessageStore and
// does everything that touches it in order. accept() requests that arrive while a batch is being
// made durable wait and go together in the next one (group commit): one transaction and one
// directory sync for many messages, so throughput grows with load instead of queueing behind
// fsyncs. Results come back on the call loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/messages/message_store.hpp"
#include "junction/executor.hpp"
#include "junction/metrics.hpp"

namespace junction {

class MessageSpoolService {
 public:
  /// Opens the store and recovers it (on the writer thread, before anything else runs there).
  /// `max_batch`: messages written in one transaction at most.
  MessageSpoolService(MessageStore::Options options, Executor& loop, Metrics& metrics, std::size_t max_batch = 256);
  /// Finishes what was queued, then stops the writer thread.
  ~MessageSpoolService();
  MessageSpoolService(const MessageSpoolService&) = delete;
  MessageSpoolService& operator=(const MessageSpoolService&) = delete;

  using AcceptDone = std::function<void(const std::string& id, const std::string& error)>;
  /// Stores `message` durably; `done` runs on the call loop with its id once it is on disk,
  /// or with why it was refused.
  void accept(NewMessage message, AcceptDone done);
  /// Runs `job` on the writer thread, in order with the other jobs (jobs go before waiting
  /// accepts: they are short, and deliveries should not wait behind a burst of messages).
  void run(std::function<void(MessageStore&)> job);

  /// What recovery found at start (valid once the first job has run).
  const MessageStore::Recovery& recovery() const { return recovery_; }
  /// Batches written so far (a batch is one transaction).
  std::uint64_t batches() const { return batches_; }

 private:
  struct Pending {
    NewMessage message;
    AcceptDone done;
  };
  void write_batch(MessageStore& store, std::vector<Pending>& batch);

  Executor& loop_;
  std::size_t max_batch_;
  Counter& accepted_;
  Counter& refused_;
  Counter& batches_total_;
  std::mutex lock_;
  std::condition_variable wake_;
  std::deque<Pending> accepts_;                          // under lock_
  std::deque<std::function<void(MessageStore&)>> jobs_;  // under lock_
  bool stopping_ = false;                                // under lock_
  MessageStore::Recovery recovery_;
  std::atomic<std::uint64_t> batches_{0};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace junction
