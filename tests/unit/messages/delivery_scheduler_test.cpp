// Deliveries from a real spool through a scripted connector: the outcomes become states
// (delivered, retrying with its backoff, dead, quarantined) and a run of failures pauses them.
#include "core/messages/delivery_scheduler.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <future>
#include <mutex>

#include "core/asio.hpp"
#include "core/exec/asio_executor.hpp"
#include "core/exec/inline_worker_pool.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "spool_test_support.hpp"

namespace junction {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Answers deliveries as the test scripted them (delivered once the script runs out).
class ScriptedConnector final : public MessageConnector {
 public:
  std::string_view name() const override { return "scripted"; }
  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::lock_guard guard(lock_);
    delivered_ids.push_back(message.id);
    last_parts = parts;
    if (script.empty()) return {DeliveryResult::Outcome::delivered, "250 ok"};
    auto result = script.front();
    script.pop_front();
    return result;
  }
  std::deque<DeliveryResult> script;
  std::vector<std::string> delivered_ids;
  std::vector<std::string> last_parts;

 private:
  std::mutex lock_;
};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override { connector = std::make_shared<ScriptedConnector>(); }
  void TearDown() override {
    scheduler.reset();
    spool.reset();
  }

  void open(DeliverySettings settings = {}) {
    MessageStore::Options options;
    options.directory = dir;
    options.reserve_bytes = 0;
    spool = std::make_unique<MessageSpoolService>(options, loop, metrics);
    registry.add_connector("test", connector);
    settings.connector = "scripted";
    settings.poll = 20ms;
    scheduler = std::make_unique<DeliveryScheduler>(*spool, dir, registry, loop, workers, logger, metrics, settings);
  }

  std::string accept(const std::string& to = "1001") {
    NewMessage m;
    m.sender = "+4930123456";
    m.recipients = {to};
    m.parts = {{"message.wav", "audio/wav", "RIFF-audio-" + to}};
    std::string id;
    spool->accept(std::move(m), [&id](const std::string& accepted, const std::string&) { id = accepted; });
    run_until([&] { return !id.empty(); });
    return id;
  }

  MessageRecord record(const std::string& id) {
    std::promise<MessageRecord> found;
    spool->run([&](MessageStore& store) { found.set_value(*store.find(id)); });
    return found.get_future().get();
  }

  // Runs the loop until `done` (bounded: 5 s).
  template <class Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(5ms);
    }
    ASSERT_TRUE(done()) << "not reached within 5 s";
  }

  MessageState state_of(const std::string& id) { return record(id).state; }

  testing::TempDirectory scratch;
  fs::path dir = scratch.path();
  asio::io_context io;
  AsioExecutor loop{io};
  InlineWorkerPool workers;
  MetricsRegistry metrics;
  LogSink sink{stderr, LogLevel::error};
  ComponentLogger logger{sink, "spool"};
  ServiceRegistry registry;
  std::shared_ptr<ScriptedConnector> connector;
  std::unique_ptr<MessageSpoolService> spool;
  std::unique_ptr<DeliveryScheduler> scheduler;
};

TEST_F(DeliveryTest, AMessageIsDeliveredWithItsPartsAndLosesItsFiles) {
  open();
  const std::string id = accept();
  scheduler->start();
  run_until([&] { return state_of(id) == MessageState::delivered; });
  EXPECT_EQ(connector->last_parts, std::vector<std::string>{"RIFF-audio-1001"});
  EXPECT_EQ(record(id).attempts, 1);
  EXPECT_FALSE(fs::exists(dir / "files" / id));
}

TEST_F(DeliveryTest, ATemporaryFailureIsRetriedLaterWithBackoff) {
  DeliverySettings settings;
  settings.retry_min = 60s;
  open(settings);
  connector->script = {{DeliveryResult::Outcome::retry, "451 4.3.0 try again later"}};
  const std::string id = accept();
  const auto before = std::chrono::system_clock::now();
  scheduler->start();
  run_until([&] { return state_of(id) == MessageState::retrying; });
  const auto message = record(id);
  EXPECT_EQ(message.attempts, 1);
  EXPECT_EQ(message.last_error, "451 4.3.0 try again later");
  EXPECT_GE(message.next_attempt, before + 47s) << "60 s less 20 % jitter";
  EXPECT_LE(message.next_attempt, std::chrono::system_clock::now() + 73s);
}

TEST_F(DeliveryTest, APermanentFailureIsADeadLetterWithItsReason) {
  open();
  connector->script = {{DeliveryResult::Outcome::failed, "550 5.1.1 no such mailbox"}};
  const std::string id = accept();
  scheduler->start();
  run_until([&] { return state_of(id) == MessageState::dead; });
  EXPECT_EQ(record(id).last_error, "550 5.1.1 no such mailbox");
}

TEST_F(DeliveryTest, TooManyAttemptsAreADeadLetterToo) {
  DeliverySettings settings;
  settings.max_attempts = 1;
  open(settings);
  connector->script = {{DeliveryResult::Outcome::retry, "connection refused"}};
  const std::string id = accept();
  scheduler->start();
  run_until([&] { return state_of(id) == MessageState::dead; });
  EXPECT_EQ(record(id).last_error, "gave up after 1 attempts: connection refused");
}

TEST_F(DeliveryTest, ADamagedFileIsQuarantinedAndNeverSent) {
  open();
  const std::string id = accept();
  std::ofstream(dir / "files" / id / "message.wav", std::ios::trunc) << "RIFF-audio-XXXX";  // same length, other bytes
  scheduler->start();
  run_until([&] { return state_of(id) == MessageState::quarantined; });
  EXPECT_TRUE(connector->delivered_ids.empty());
}

TEST_F(DeliveryTest, FailuresInARowPauseDeliveries) {
  DeliverySettings settings;
  settings.breaker_failures = 2;
  settings.parallel = 1;
  settings.retry_min = 60s;
  open(settings);
  connector->script = {{DeliveryResult::Outcome::retry, "down"}, {DeliveryResult::Outcome::retry, "down"}};
  const std::string a = accept("1001"), b = accept("1002"), c = accept("1003");
  scheduler->start();
  run_until([&] { return connector->delivered_ids.size() >= 2; });
  // Let polls come and go: the third message must wait for the pause (60 s at least).
  const auto until = std::chrono::steady_clock::now() + 200ms;
  while (std::chrono::steady_clock::now() < until) {
    io.restart();
    io.run_for(10ms);
  }
  EXPECT_EQ(connector->delivered_ids.size(), 2u);
  EXPECT_EQ(state_of(c), MessageState::queued);
  EXPECT_NE(metrics.render_prometheus().find("junction_spool_breaker_open 1"), std::string::npos);
  (void)a;
  (void)b;
}

}  // namespace
}  // namespace junction
