#include "core/voicemail/mailbox_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "temp_dir.hpp"

namespace junction {
namespace {

using ::testing::HasSubstr;

std::string contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct MailboxStoreTest : ::testing::Test {
  test::TempDir dir;
  std::filesystem::path recording = dir.write("recordings/vm.wav", "RIFF-one-message");
  std::unique_ptr<MailboxStore> store = open(3);

  std::unique_ptr<MailboxStore> open(int max_messages) {
    MailboxStore::Options options;
    options.directory = dir.path() / "voicemail";
    options.max_messages = max_messages;
    options.reserve_bytes = 0;
    return std::make_unique<MailboxStore>(options);
  }
};

TEST_F(MailboxStoreTest, ADepositIsANewMessageWithItsRecording) {
  const std::string id = store->deposit("1001", recording, {"1002", "Bob", 12500});
  const auto entries = store->list("1001");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, id);
  EXPECT_EQ(entries[0].info.caller, "1002");
  EXPECT_EQ(entries[0].info.caller_name, "Bob");
  EXPECT_EQ(entries[0].info.duration_ms, 12500);
  EXPECT_EQ(entries[0].folder, VoicemailFolder::fresh);
  EXPECT_TRUE(entries[0].file.is_absolute());
  EXPECT_EQ(contents(entries[0].file), "RIFF-one-message");
  EXPECT_EQ(store->counts("1001"), (MailboxCounts{1, 0}));
  EXPECT_EQ(store->counts("1002"), (MailboxCounts{0, 0}));
  EXPECT_TRUE(store->list("1002").empty());
}

TEST_F(MailboxStoreTest, MessagesAreKeptDeletedAndForwarded) {
  const std::string first = store->deposit("1001", recording, {"1002", "", 1000});
  const std::string second = store->deposit("1001", recording, {"1003", "", 2000});
  store->move("1001", first, VoicemailFolder::saved);
  EXPECT_EQ(store->counts("1001"), (MailboxCounts{1, 1}));
  auto entries = store->list("1001");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, second);  // new ones first
  EXPECT_EQ(entries[1].folder, VoicemailFolder::saved);

  const std::string copy = store->forward("1001", first, "1004");
  EXPECT_NE(copy, first);
  ASSERT_EQ(store->list("1004").size(), 1u);
  EXPECT_EQ(store->list("1004")[0].info.caller, "1002");
  EXPECT_EQ(store->counts("1004"), (MailboxCounts{1, 0}));

  const auto file = entries[1].file;
  store->remove("1001", first);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(store->counts("1001"), (MailboxCounts{1, 0}));
  EXPECT_EQ(contents(store->list("1004")[0].file), "RIFF-one-message");  // the copy stays
}

TEST_F(MailboxStoreTest, UnknownMessagesAndBadNamesAreRefused) {
  EXPECT_THROW(store->move("1001", "nope", VoicemailFolder::saved), MailboxError);
  EXPECT_THROW(store->remove("1001", "nope"), MailboxError);
  EXPECT_THROW(store->forward("1001", "nope", "1002"), MailboxError);
  EXPECT_THROW(store->deposit("../etc", recording, {}), MailboxError);
  EXPECT_THROW(store->deposit("a/b", recording, {}), MailboxError);
  EXPECT_THROW(store->deposit("1001", dir.path() / "missing.wav", {}), std::runtime_error);
  EXPECT_EQ(store->counts("1001"), (MailboxCounts{0, 0}));
}

TEST_F(MailboxStoreTest, AFullMailboxRefusesAndKeepsWhatItHas) {
  for (int i = 0; i < 3; ++i) store->deposit("1001", recording, {});
  try {
    store->deposit("1001", recording, {});
    FAIL() << "a fourth message was taken";
  } catch (const MailboxError& e) {
    EXPECT_THAT(e.what(), HasSubstr("mailbox full"));
  }
  EXPECT_EQ(store->list("1001").size(), 3u);
  EXPECT_NO_THROW(store->deposit("1002", recording, {}));  // per mailbox
}

TEST_F(MailboxStoreTest, ALowDiskRefusesNewRecordingsAndKeepsTheOldOnes) {
  const std::string kept = store->deposit("1001", recording, {});
  MailboxStore::Options options;
  options.directory = dir.path() / "voicemail";
  options.reserve_bytes = std::uint64_t{1} << 62;  // more than any disk has free
  store = std::make_unique<MailboxStore>(options);
  try {
    store->deposit("1001", recording, {});
    FAIL() << "a message was taken with no disk to spare";
  } catch (const MailboxError& e) {
    EXPECT_THAT(e.what(), HasSubstr("mailbox storage full"));
  }
  EXPECT_THROW(store->set_greeting("1001", "busy", recording), MailboxError);
  ASSERT_EQ(store->list("1001").size(), 1u);
  EXPECT_EQ(store->list("1001")[0].id, kept);
}

TEST_F(MailboxStoreTest, GreetingsAreRecordedReplacedAndRemoved) {
  EXPECT_FALSE(store->greeting("1001", "busy"));
  store->set_greeting("1001", "busy", recording);
  auto file = store->greeting("1001", "busy");
  ASSERT_TRUE(file);
  EXPECT_EQ(contents(*file), "RIFF-one-message");
  EXPECT_FALSE(store->greeting("1001", "unavailable"));
  store->set_greeting("1001", "busy", dir.write("recordings/other.wav", "RIFF-other"));
  EXPECT_EQ(contents(*store->greeting("1001", "busy")), "RIFF-other");
  store->remove_greeting("1001", "busy");
  EXPECT_FALSE(store->greeting("1001", "busy"));
  EXPECT_THROW(store->set_greeting("1001", "holiday", recording), MailboxError);
  EXPECT_FALSE(store->greeting("1001", "../x"));
}

TEST_F(MailboxStoreTest, MessagesCountsAndLockoutsSurviveAReopen) {
  store->deposit("1001", recording, {"1002", "", 0});
  const PinPolicy policy{2, std::chrono::seconds(600), std::chrono::seconds(3600)};
  EXPECT_EQ(store->try_pin("1001", "1234", "0000", policy).verdict, PinVerdict::wrong);
  EXPECT_EQ(store->try_pin("1001", "1234", "0000", policy).verdict, PinVerdict::wrong);
  store = open(3);
  EXPECT_EQ(store->all_counts().at("1001"), (MailboxCounts{1, 0}));
  EXPECT_EQ(store->try_pin("1001", "1234", "1234", policy).verdict, PinVerdict::locked);    // a restart does not help
  EXPECT_EQ(store->try_pin("1002", "1234", "1234", policy).verdict, PinVerdict::accepted);  // per mailbox
}

TEST_F(MailboxStoreTest, AChangedPinIsStoredHashed) {
  const PinPolicy policy;
  store->change_pin("1001", "97531");
  EXPECT_EQ(store->try_pin("1001", "1234", "1234", policy).verdict, PinVerdict::wrong);
  EXPECT_EQ(store->try_pin("1001", "1234", "97531", policy).verdict, PinVerdict::accepted);
  EXPECT_THROW(store->change_pin("1001", "12"), MailboxError);
  store = open(3);
  EXPECT_EQ(store->try_pin("1001", "1234", "97531", policy).verdict, PinVerdict::accepted);
  const PinState stored = store->pin_state("1001");
  EXPECT_EQ(stored.hash.find("97531"), std::string::npos);
  EXPECT_TRUE(stored.hash.starts_with("pbkdf2-sha256:")) << stored.hash;
  // Nowhere on disk in clear: the database and its write-ahead log (where the row may still be).
  for (const auto& file : std::filesystem::directory_iterator(dir.path() / "voicemail")) {
    if (!file.is_regular_file()) continue;
    EXPECT_EQ(contents(file.path()).find("97531"), std::string::npos) << file.path();
  }
}

TEST_F(MailboxStoreTest, RecoveryRemovesUnfinishedCopiesAndDropsMessagesWithoutFiles) {
  const std::string kept = store->deposit("1001", recording, {});
  const std::string lost = store->deposit("1001", recording, {});
  store.reset();
  const auto box = dir.path() / "voicemail" / "1001";
  std::filesystem::remove(box / ("msg-" + lost + ".wav"));
  std::ofstream(box / "msg-20260101T000000-deadbeef.wav") << "never committed";
  std::ofstream(box / "msg-20260101T000001-deadbeef.wav.partial") << "half";
  store = open(3);
  EXPECT_EQ(store->recovery().rows_dropped, 1);
  EXPECT_EQ(store->recovery().orphans_removed, 1);
  EXPECT_EQ(store->recovery().partial_removed, 1);
  const auto entries = store->list("1001");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, kept);
  EXPECT_FALSE(std::filesystem::exists(box / "msg-20260101T000000-deadbeef.wav"));
}

}  // namespace
}  // namespace junction
