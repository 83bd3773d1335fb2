// The voice mailboxes as the daemon runs them: the store's blocking work on the workers, its
// answers on the call loop, and each mailbox's counts kept in memory (Host::mailboxes()) so that
// message-waiting watchers are told at once when they change.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/plugins/service_registry.hpp"
#include "core/voicemail/mailbox_store.hpp"
#include "junction/executor.hpp"
#include "junction/mailboxes.hpp"

namespace junction {

class VoicemailService final : public Mailboxes {
 public:
  VoicemailService(Executor& loop, WorkerPool& workers, ServiceRegistry& registry)
      : loop_(loop), workers_(workers), registry_(registry) {}

  /// Opens the store (blocking; at start-up, before calls). Throws std::runtime_error.
  const MailboxStore::Recovery& open(MailboxStore::Options options, PinPolicy policy);
  bool is_open() const { return store_ != nullptr; }
  const PinPolicy& pin_policy() const { return policy_; }
  /// The store itself (thread-safe), for the operator's routes; null until open().
  std::shared_ptr<MailboxStore> store() const { return store_; }

  MailboxCounts counts(std::string_view box) const override {
    auto it = counts_.find(box);
    return it == counts_.end() ? MailboxCounts{} : it->second.counts;
  }

  /// Runs `op(store)` on a worker. Then, on the call loop, recounts `touched` mailboxes (telling
  /// watchers of changes) and calls `done(result, "")`, or `done({}, why)` when `op` threw.
  template <class Result>
  void run(std::vector<std::string> touched, std::function<Result(MailboxStore&)> op,
           std::function<void(Result, const std::string& error)> done) {
    if (!store_) {
      loop_.post([done = std::move(done)] { done(Result{}, "the voice mailboxes are not open"); });
      return;
    }
    struct Outcome {
      Result result{};
      std::string error;
      std::vector<std::pair<std::string, MailboxStore::CountsRead>> counts;
    };
    auto outcome = std::make_shared<Outcome>();
    workers_.run(
        [store = store_, op = std::move(op), touched = std::move(touched), outcome] {
          try {
            outcome->result = op(*store);
          } catch (const std::exception& e) {
            outcome->error = e.what();
          }
          try {
            for (const auto& box : touched) outcome->counts.emplace_back(box, store->read_counts(box));
          } catch (const std::exception&) {  // the counts stay as they were
          }
        },
        loop_,
        [this, outcome, done = std::move(done)] {
          for (const auto& [box, read] : outcome->counts) update(box, read);
          done(std::move(outcome->result), outcome->error);
        });
  }

 private:
  /// Takes a read of a mailbox's counts unless a later read was taken already.
  void update(const std::string& box, const MailboxStore::CountsRead& read);

  Executor& loop_;
  WorkerPool& workers_;
  ServiceRegistry& registry_;
  std::shared_ptr<MailboxStore> store_;
  PinPolicy policy_;
  struct Known {
    MailboxCounts counts;
    std::uint64_t sequence = 0;
  };
  std::map<std::string, Known, std::less<>> counts_;  // call loop only
};

}  // namespace junction
