// The location service: bindings, refresh, expiry, and registrations that survive a restart
// through the SQLite store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/exec/inline_worker_pool.hpp"
#include "core/exec/manual_executor.hpp"
#include "core/location/location_registry.hpp"
#include "core/location/memory_location_store.hpp"
#include "core/location/sqlite_location_store.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"

using namespace std::chrono_literals;

namespace junction {
namespace {

using WallTime = std::chrono::system_clock::time_point;

// A store that fails until told otherwise, to see that nothing is lost meanwhile.
class FlakyStore final : public LocationStore {
 public:
  std::vector<ContactBinding> load() override { return inner.load(); }
  void apply(const std::vector<LocationChange>& changes) override {
    if (failing) throw std::runtime_error("disk full");
    inner.apply(changes);
  }
  bool failing = true;
  MemoryLocationStore inner;
};

class LocationTest : public ::testing::Test {
 protected:
  LocationTest() : dir_(std::filesystem::temp_directory_path() / ("junction-location-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~LocationTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<LocationRegistry> make_registry() {
    return std::make_unique<LocationRegistry>(loop_, workers_, logger_, metrics_, [this] { return now_; });
  }

  ContactBinding binding(const std::string& extension, const std::string& contact, std::chrono::seconds ttl) {
    ContactBinding b;
    b.extension = extension;
    b.contact = contact;
    b.received = "udp:127.0.0.1:5070";
    b.user_agent = "test-phone";
    b.call_id = "reg-" + contact;
    b.cseq = 1;
    b.expires = now_ + ttl;
    return b;
  }

  std::filesystem::path db() const { return dir_ / "location.db"; }

  std::filesystem::path dir_;
  WallTime now_ = WallTime(std::chrono::seconds(1'800'000'000));
  ManualExecutor loop_;
  InlineWorkerPool workers_;
  LogSink sink_{stderr, LogLevel::warn};
  ComponentLogger logger_{sink_, "location"};
  MetricsRegistry metrics_;
};

TEST_F(LocationTest, BindRefreshUnbind) {
  auto registry = make_registry();
  registry->start(std::make_unique<MemoryLocationStore>());
  registry->bind(binding("1001", "sip:1001@10.0.0.1", 60s));
  registry->bind(binding("1001", "sip:1001@10.0.0.2", 60s));
  registry->bind(binding("1002", "sip:1002@10.0.0.3", 60s));
  ASSERT_EQ(registry->lookup("1001").size(), 2u);
  EXPECT_EQ(registry->lookup("1001")[0].contact, "sip:1001@10.0.0.2") << "newest first";
  registry->bind(binding("1001", "sip:1001@10.0.0.1", 120s));  // refresh
  ASSERT_EQ(registry->lookup("1001").size(), 2u);
  EXPECT_EQ(registry->lookup("1001")[0].contact, "sip:1001@10.0.0.1");
  EXPECT_EQ(registry->size(), 3u);
  EXPECT_TRUE(registry->unbind("1001", "sip:1001@10.0.0.2"));
  EXPECT_FALSE(registry->unbind("1001", "sip:1001@10.0.0.2"));
  EXPECT_EQ(registry->unbind_all("1002"), 1u);
  EXPECT_EQ(registry->size(), 1u);
  EXPECT_TRUE(registry->lookup("9999").empty());
}

TEST_F(LocationTest, ExpiredBindingsDisappearAtOnceAndAreSweptAway) {
  auto registry = make_registry();
  registry->start(std::make_unique<MemoryLocationStore>());
  registry->bind(binding("1001", "sip:a", 30s));
  registry->bind(binding("1001", "sip:b", 90s));
  now_ += 31s;
  EXPECT_EQ(registry->lookup("1001").size(), 1u) << "lookup never returns an expired contact";
  EXPECT_EQ(registry->size(), 2u) << "until the sweep";
  loop_.advance(1000ms);
  EXPECT_EQ(registry->size(), 1u);
  now_ += 60s;
  loop_.advance(1000ms);
  EXPECT_EQ(registry->size(), 0u);
}

TEST_F(LocationTest, RegistrationsSurviveARestart) {
  {
    auto registry = make_registry();
    registry->start(std::make_unique<SqliteLocationStore>(db()));
    registry->bind(binding("1001", "sip:1001@10.0.0.1", 3600s));
    registry->bind(binding("1001", "sip:1001@10.0.0.2", 10s));
    registry->bind(binding("1002", "sip:1002@10.0.0.3", 3600s));
    registry->unbind("1002", "sip:1002@10.0.0.3");
    loop_.advance(100ms);  // the write-behind batch
    EXPECT_EQ(registry->pending_changes(), 0u);
    registry->bind(binding("1003", "sip:1003@10.0.0.4", 3600s));  // pending at stop: written by stop()
    registry->stop();
  }
  now_ += 20s;
  auto restarted = make_registry();
  restarted->start(std::make_unique<SqliteLocationStore>(db()));
  ASSERT_EQ(restarted->lookup("1001").size(), 1u) << "the 10 s binding expired while we were down";
  EXPECT_EQ(restarted->lookup("1001")[0].received, "udp:127.0.0.1:5070");
  EXPECT_EQ(restarted->lookup("1001")[0].user_agent, "test-phone");
  EXPECT_TRUE(restarted->lookup("1002").empty());
  EXPECT_EQ(restarted->lookup("1003").size(), 1u);
  EXPECT_EQ(restarted->size(), 2u);
}

TEST_F(LocationTest, FailedWritesAreRetriedInOrderAndNothingIsLost) {
  auto store = std::make_unique<FlakyStore>();
  FlakyStore* flaky = store.get();
  auto registry = make_registry();
  registry->start(std::move(store));
  registry->bind(binding("1001", "sip:a", 3600s));
  loop_.advance(100ms);
  loop_.run_ready();
  EXPECT_EQ(registry->pending_changes(), 1u) << "kept for the retry";
  registry->unbind("1001", "sip:a");
  registry->bind(binding("1001", "sip:b", 3600s));
  flaky->failing = false;
  loop_.advance(100ms);
  loop_.run_ready();
  EXPECT_EQ(registry->pending_changes(), 0u);
  const auto stored = flaky->inner.load();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].contact, "sip:b");
  EXPECT_GE(metrics_.counter("junction_location_store_errors_total", "").value(), 1u);
}

TEST_F(LocationTest, UnopenableDatabaseNamesTheFile) {
  try {
    SqliteLocationStore store(dir_ / "missing" / "location.db");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "missing" / "location.db").string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace junction
