#include "core/voicemail/voicemail_service.hpp"

#include <gtest/gtest.h>

#include "core/exec/inline_worker_pool.hpp"
#include "core/exec/manual_executor.hpp"
#include "temp_dir.hpp"

namespace junction {
namespace {

struct Recorder final : MailboxWatcher {
  std::vector<std::pair<std::string, MailboxCounts>> seen;
  void mailbox_changed(const std::string& box, const MailboxCounts& counts) override { seen.emplace_back(box, counts); }
};

struct VoicemailServiceTest : ::testing::Test {
  test::TempDir dir;
  ManualExecutor loop;
  InlineWorkerPool workers;
  ServiceRegistry registry;
  VoicemailService service{loop, workers, registry};
  std::shared_ptr<Recorder> watcher = std::make_shared<Recorder>();
  std::filesystem::path recording = dir.write("vm.wav", "RIFF");

  void SetUp() override {
    registry.add_mailbox_watcher("test", watcher);
    MailboxStore::Options options;
    options.directory = dir.path() / "voicemail";
    service.open(options, PinPolicy{});
  }

  std::string deposit(const std::string& box) {
    std::string result = "not answered";
    service.run<std::string>(
        {box}, [&](MailboxStore& store) { return store.deposit(box, recording, {}); },
        [&](std::string id, const std::string& error) { result = error.empty() ? id : "error: " + error; });
    loop.run_ready();
    return result;
  }
};

TEST_F(VoicemailServiceTest, WatchersHearOfEveryChangeOfCounts) {
  const std::string id = deposit("1001");
  ASSERT_EQ(id.find("error"), std::string::npos) << id;
  EXPECT_EQ(service.counts("1001"), (MailboxCounts{1, 0}));
  ASSERT_EQ(watcher->seen.size(), 1u);
  EXPECT_EQ(watcher->seen[0].first, "1001");
  EXPECT_EQ(watcher->seen[0].second, (MailboxCounts{1, 0}));

  service.run<bool>(
      {"1001"},
      [&](MailboxStore& store) {
        store.move("1001", id, VoicemailFolder::saved);
        return true;
      },
      [](bool, const std::string&) {});
  loop.run_ready();
  ASSERT_EQ(watcher->seen.size(), 2u);
  EXPECT_EQ(watcher->seen[1].second, (MailboxCounts{0, 1}));

  service.run<bool>(
      {"1001"}, [](MailboxStore&) { return true; }, [](bool, const std::string&) {});
  loop.run_ready();
  EXPECT_EQ(watcher->seen.size(), 2u);  // nothing changed: nobody is told
}

TEST_F(VoicemailServiceTest, AFailedStepAnswersWithItsReasonAndChangesNothing) {
  std::string error;
  service.run<bool>(
      {"1001"},
      [](MailboxStore& store) {
        store.remove("1001", "nope");
        return true;
      },
      [&](bool, const std::string& why) { error = why; });
  loop.run_ready();
  EXPECT_NE(error.find("no message nope"), std::string::npos) << error;
  EXPECT_TRUE(watcher->seen.empty());
}

TEST_F(VoicemailServiceTest, CountsAreLoadedWhenTheStoreOpens) {
  deposit("1002");
  VoicemailService reopened{loop, workers, registry};
  MailboxStore::Options options;
  options.directory = dir.path() / "voicemail";
  reopened.open(options, PinPolicy{});
  EXPECT_EQ(reopened.counts("1002"), (MailboxCounts{1, 0}));
  EXPECT_EQ(reopened.counts("9999"), (MailboxCounts{0, 0}));
}

// Runs the work at once and keeps the completions, for the test to deliver in any order.
struct HeldCompletions final : WorkerPool {
  std::vector<Task> done;
  void run(Task work, Executor&, Task then) override {
    work();
    done.push_back(std::move(then));
  }
};

TEST(VoicemailServiceOrder, ALateAnswerDoesNotBringBackOlderCounts) {
  test::TempDir dir;
  ManualExecutor loop;
  HeldCompletions workers;
  ServiceRegistry registry;
  auto watcher = std::make_shared<Recorder>();
  registry.add_mailbox_watcher("test", watcher);
  VoicemailService service{loop, workers, registry};
  MailboxStore::Options options;
  options.directory = dir.path() / "voicemail";
  service.open(options, PinPolicy{});
  const auto recording = dir.write("vm.wav", "RIFF");
  for (int i = 0; i < 2; ++i)
    service.run<std::string>(
        {"1001"}, [&](MailboxStore& store) { return store.deposit("1001", recording, {}); },
        [](std::string, const std::string&) {});
  ASSERT_EQ(workers.done.size(), 2u);
  workers.done[1]();  // the second deposit's answer first: two new messages
  workers.done[0]();  // then the first's, which counted one
  EXPECT_EQ(service.counts("1001"), (MailboxCounts{2, 0}));
  ASSERT_EQ(watcher->seen.size(), 1u);
  EXPECT_EQ(watcher->seen[0].second, (MailboxCounts{2, 0}));
}

TEST(VoicemailServiceClosed, RefusesClearly) {
  ManualExecutor loop;
  InlineWorkerPool workers;
  ServiceRegistry registry;
  VoicemailService service{loop, workers, registry};
  std::string error;
  service.run<bool>(
      {}, [](MailboxStore&) { return true; }, [&](bool, const std::string& why) { error = why; });
  loop.run_ready();
  EXPECT_EQ(error, "the voice mailboxes are not open");
}

}  // namespace
}  // namespace junction
