// Delivers what the spool holds through a message connector. Due messages are picked on the
// spool's thread and marked delivering; each goes to the connector on a worker; the outcome
// is recorded: delivered, retrying with exponential backoff and jitter, or dead (a permanent
// failure, or too many attempts: an operator may retry it). A circuit breaker per connector
// stops hammering a dead mail server: after `breaker_failures` failures in a row deliveries
// pause for a backoff, then one is let through. Runs on the call loop.
#pragma once

#include <chrono>
#include <memory>
#include <random>
#include <string>

#include "core/messages/message_spool.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/executor.hpp"
#include "junction/logger.hpp"
#include "junction/metrics.hpp"

namespace junction {

struct DeliverySettings {
  std::string connector = "pickup";
  std::chrono::seconds retry_min{30};
  std::chrono::seconds retry_max{3600};
  int max_attempts = 30;
  std::size_t parallel = 4;
  std::chrono::milliseconds poll{1000};  ///< how often due messages are looked for
  int breaker_failures = 5;
};

class DeliveryScheduler {
 public:
  DeliveryScheduler(MessageSpoolService& spool, std::filesystem::path spool_directory, ServiceRegistry& registry,
                    Executor& loop, WorkerPool& workers, Logger& log, Metrics& metrics, DeliverySettings settings);
  ~DeliveryScheduler();

  void start();
  /// A message was accepted: look for work now rather than at the next poll.
  void kick();
  /// The delay before attempt `attempt + 1` after `attempt` failed ones, jitter included.
  std::chrono::milliseconds backoff(int attempt);

 private:
  enum class Outcome { delivered, retry, failed, quarantine };
  void poll();
  void schedule_poll();
  void deliver(MessageRecord record, std::shared_ptr<MessageConnector> connector);
  void finished(const MessageRecord& record, Outcome outcome, const std::string& detail);

  MessageSpoolService& spool_;
  std::filesystem::path directory_;
  ServiceRegistry& registry_;
  Executor& loop_;
  WorkerPool& workers_;
  Logger& log_;
  DeliverySettings settings_;
  Counter& delivered_;
  Counter& retried_;
  Counter& dead_;
  Gauge& breaker_open_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // callbacks check it
  std::size_t in_flight_ = 0;
  bool looking_ = false;  // a due() query is on its way
  TimerId poll_timer_ = 0;
  int failures_in_a_row_ = 0;
  int breaker_trips_ = 0;
  Clock::time_point breaker_until_{};
  bool missing_connector_logged_ = false;
  std::vector<MessageStore::StateChange> outcomes_;  // recorded at the end of this loop turn
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace junction
