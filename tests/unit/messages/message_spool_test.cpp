// The spool service: accepts from the call loop are written on its thread, answered on the
// loop, and those that arrive together are committed together.
#include "core/messages/message_spool.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <random>

#include "core/exec/manual_executor.hpp"
#include "core/messages/spool_access.hpp"
#include "core/messages/spool_admin.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "spool_test_support.hpp"

namespace junction {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A call loop the spool's thread can post to: the test runs what arrives.
class TestLoop final : public Executor {
 public:
  void post(Task task) override {
    {
      std::lock_guard guard(lock_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }
  TimerId call_after(std::chrono::milliseconds, Task) override { throw std::logic_error("not used"); }
  bool cancel(TimerId) override { return false; }
  Clock::time_point now() const override { return Clock::now(); }
  /// Runs tasks until `count` have run (or 10 s have passed); returns how many ran.
  std::size_t run(std::size_t count) {
    std::size_t ran = 0;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (ran < count) {
      std::unique_lock guard(lock_);
      if (!ready_.wait_until(guard, deadline, [this] { return !tasks_.empty(); })) break;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      guard.unlock();
      task();
      ++ran;
    }
    return ran;
  }

 private:
  std::mutex lock_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;
};

using testing::TempDirectory;

NewMessage voicemail(const std::string& to) { return testing::voicemail(to, 110000); }
MessageStore::Options options(const fs::path& dir) { return testing::store_options(dir); }

TEST(MessageSpoolService, AcceptsTogetherWhatArrivesTogetherAndAnswersOnTheLoop) {
  TempDirectory dir;
  TestLoop loop;
  MetricsRegistry metrics;
  std::vector<std::string> ids;
  std::size_t refused = 0;
  {
    MessageSpoolService spool(options(dir.path()), loop, metrics);
    const std::thread::id loop_thread = std::this_thread::get_id();
    for (int i = 0; i < 200; ++i) {
      NewMessage m = voicemail("10" + std::to_string(i));
      if (i == 7) m.recipients.clear();  // one bad message among them
      spool.accept(std::move(m), [&](const std::string& id, const std::string& error) {
        EXPECT_EQ(std::this_thread::get_id(), loop_thread) << "answers come on the loop";
        if (error.empty()) {
          ids.push_back(id);
        } else {
          ++refused;
        }
      });
    }
    ASSERT_EQ(loop.run(200), 200u);
    EXPECT_EQ(ids.size(), 199u);
    EXPECT_EQ(refused, 1u);
    EXPECT_LT(spool.batches(), 200u) << "accepts that waited went together";
    EXPECT_GE(spool.batches(), 1u);
  }
  // Everything accepted is there for the next start.
  MessageStore store(options(dir.path()));
  EXPECT_EQ(store.list(MessageState::queued, 1000).size(), 199u);
  for (const auto& id : ids) EXPECT_TRUE(store.find(id)) << id;
}

TEST(MessageSpoolService, JobsRunOnTheWriterInOrderWithAccepts) {
  TempDirectory dir;
  TestLoop loop;
  MetricsRegistry metrics;
  MessageSpoolService spool(options(dir.path()), loop, metrics);
  std::string id;
  spool.accept(voicemail("1001"), [&](const std::string& accepted, const std::string&) { id = accepted; });
  ASSERT_EQ(loop.run(1), 1u);
  std::size_t due = 0;
  spool.run([&](MessageStore& store) {
    const auto found = store.due(std::chrono::system_clock::now(), 10).size();
    loop.post([&due, found] { due = found; });
  });
  ASSERT_EQ(loop.run(1), 1u);
  EXPECT_EQ(due, 1u);
}

TEST(MessageSpoolService, AStoreThatCannotOpenIsAStartUpError) {
  TempDirectory dir;
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "blocker") << "a file where the spool directory should be";
  TestLoop loop;
  MetricsRegistry metrics;
  EXPECT_THROW(MessageSpoolService(options(dir.path() / "blocker"), loop, metrics), std::exception);
}

TEST(SpoolAccess, ASaveWaitsForARecordingStillBeingWrittenHoweverItIsSpelled) {
  ManualExecutor loop;
  SpoolAccess access(loop);
  access.file_in_progress("/var/recordings/./vm.wav");
  int ran = 0;
  access.when_written("/var/recordings/vm.wav", [&] { ++ran; });
  access.when_written("/var/recordings/other.wav", [&] { ran += 10; });
  EXPECT_EQ(ran, 10) << "nobody writes other.wav: at once";
  access.file_written("/var/recordings/sub/../vm.wav");
  EXPECT_EQ(ran, 11);
}

TEST(SpoolAdmin, QueryValuesAreDecoded) {
  EXPECT_EQ(query_value("state=dead&limit=5", "limit"), "5");
  EXPECT_EQ(query_value("id=a%2Db+c", "id"), "a-b c");
  EXPECT_EQ(query_value("ids=1&id=2", "id"), "2");
  EXPECT_EQ(query_value("id=%zz", "id"), "%zz");
  EXPECT_EQ(query_value("", "id"), "");
}

}  // namespace
}  // namespace junction
