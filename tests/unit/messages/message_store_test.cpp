// The spool's store on a real directory: what it accepts survives reopening, what a crash
// leaves half-done is tidied, damaged files are found, states and history are kept.
#include "core/messages/message_store.hpp"

#include "spool_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace junction {
namespace {

namespace fs = std::filesystem;
using testing::TempDirectory;
using testing::voicemail;

MessageStore::Options options(const fs::path& dir) { return testing::store_options(dir); }

TEST(MessageStore, AcceptedMessagesSurviveReopeningWithTheirFilesAndHeaders) {
  TempDirectory dir;
  std::string id;
  {
    MessageStore store(options(dir.path()));
    const auto accepted = store.store({voicemail()});
    ASSERT_EQ(accepted.size(), 1u);
    ASSERT_EQ(accepted[0].error, "");
    id = accepted[0].id;
    EXPECT_TRUE(fs::exists(store.part_path(id, "message.wav")));
  }
  MessageStore store(options(dir.path()));
  const auto recovery = store.recover();
  EXPECT_EQ(recovery.orphans_removed + recovery.partial_removed + recovery.quarantined, 0);
  const auto record = store.find(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, MessageState::queued);
  EXPECT_EQ(record->sender, "+4930123456");
  EXPECT_EQ(record->recipients, std::vector<std::string>{"1001"});
  EXPECT_EQ(record->headers, (Headers{{"Caller-Name", "Alice Example"}, {"Duration", "12"}}));
  ASSERT_EQ(record->parts.size(), 1u);
  EXPECT_EQ(record->parts[0].size, 1000u);
  EXPECT_EQ(store.read_part(*record, record->parts[0]), std::string(1000, 'x'));
  EXPECT_EQ(store.history(id).size(), 1u);
}

TEST(MessageStore, BadMessagesAreRefusedOneByOneAndTheRestAccepted) {
  TempDirectory dir;
  MessageStore store(options(dir.path()));
  NewMessage no_recipient = voicemail();
  no_recipient.recipients.clear();
  NewMessage bad_name = voicemail();
  bad_name.parts[0].name = "../escape.wav";
  NewMessage bad_header = voicemail();
  bad_header.headers.push_back({"X-Evil", "a\r\nBcc: someone"});
  const auto accepted = store.store({no_recipient, voicemail(), bad_name, bad_header});
  EXPECT_EQ(accepted[0].error, "bad message: no recipient");
  EXPECT_EQ(accepted[1].error, "");
  EXPECT_NE(accepted[2].error.find("not a plain file name"), std::string::npos) << accepted[2].error;
  EXPECT_NE(accepted[3].error.find("line break"), std::string::npos) << accepted[3].error;
  EXPECT_EQ(store.list(std::nullopt, 10).size(), 1u);
  EXPECT_FALSE(fs::exists(dir.path() / "escape.wav"));
}

TEST(MessageStore, AFullDiskRefusesNewMessagesAndKeepsTheOld) {
  TempDirectory dir;
  auto o = options(dir.path());
  MessageStore store(o);
  ASSERT_EQ(store.store({voicemail()})[0].error, "");
  o.reserve_bytes = fs::space(dir.path()).capacity;  // more than the disk could ever have free: "full"
  MessageStore full(o);
  const auto refused = full.store({voicemail("1002")});
  EXPECT_EQ(refused[0].id, "");
  EXPECT_NE(refused[0].error.find("spool full"), std::string::npos) << refused[0].error;
  EXPECT_EQ(full.list(std::nullopt, 10).size(), 1u) << "the one accepted before is still there";
}

TEST(MessageStore, RecoveryRemovesHalfWrittenAndUnrecordedFilesAndRequeuesInterruptedDeliveries) {
  TempDirectory dir;
  std::string delivering, kept;
  {
    MessageStore store(options(dir.path()));
    const auto accepted = store.store({voicemail("1001"), voicemail("1002")});
    delivering = accepted[0].id;
    kept = accepted[1].id;
    ASSERT_TRUE(store.set_state(delivering, MessageState::delivering, "to smtp"));
  }
  // What a kill -9 leaves: a message half written, and one whose files made it but not its record.
  fs::create_directories(dir.path() / "files" / "20261122T000000-0000000000000001.partial");
  fs::create_directories(dir.path() / "files" / "20261122T000000-0000000000000002");
  MessageStore store(options(dir.path()));
  const auto recovery = store.recover();
  EXPECT_EQ(recovery.partial_removed, 1);
  EXPECT_EQ(recovery.orphans_removed, 1);
  EXPECT_EQ(recovery.requeued, 1);
  EXPECT_EQ(store.find(delivering)->state, MessageState::queued);
  EXPECT_EQ(store.find(kept)->state, MessageState::queued);
  EXPECT_EQ(store.due(std::chrono::system_clock::now(), 10).size(), 2u);
}

TEST(MessageStore, MissingOrDamagedFilesAreFoundAndQuarantined) {
  TempDirectory dir;
  std::string missing, damaged;
  {
    MessageStore store(options(dir.path()));
    const auto accepted = store.store({voicemail("1001"), voicemail("1002")});
    missing = accepted[0].id;
    damaged = accepted[1].id;
    fs::remove(store.part_path(missing, "message.wav"));
    std::ofstream(store.part_path(damaged, "message.wav"), std::ios::binary | std::ios::trunc)
        << std::string(1000, 'y');
  }
  MessageStore store(options(dir.path()));
  const auto recovery = store.recover();
  EXPECT_EQ(recovery.quarantined, 1) << "a missing file is found at start";
  EXPECT_EQ(store.find(missing)->state, MessageState::quarantined);
  EXPECT_NE(store.find(missing)->last_error.find("missing"), std::string::npos);
  // Same size, other bytes: the checksum finds it when the part is read for delivery.
  const auto record = store.find(damaged);
  ASSERT_EQ(record->state, MessageState::queued);
  try {
    store.read_part(*record, record->parts[0]);
    FAIL() << "a damaged part must not be read as good";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
  }
}

TEST(MessageStore, StatesMoveWithHistoryAndDeliveredMessagesLoseTheirFiles) {
  TempDirectory dir;
  MessageStore store(options(dir.path()));
  const std::string id = store.store({voicemail()})[0].id;
  const auto later = std::chrono::system_clock::now() + std::chrono::minutes(5);
  ASSERT_TRUE(store.set_state(id, MessageState::delivering, "smtp"));
  ASSERT_TRUE(store.set_state(id, MessageState::retrying, "451 try later", later, true));
  auto record = store.find(id);
  EXPECT_EQ(record->attempts, 1);
  EXPECT_EQ(record->last_error, "451 try later");
  EXPECT_TRUE(store.due(std::chrono::system_clock::now(), 10).empty()) << "not before its time";
  EXPECT_EQ(store.due(later, 10).size(), 1u);
  ASSERT_TRUE(store.set_state(id, MessageState::delivering, "smtp"));
  ASSERT_TRUE(store.set_state(id, MessageState::delivered, "250 ok", {}, true));
  record = store.find(id);
  EXPECT_EQ(record->state, MessageState::delivered);
  EXPECT_EQ(record->attempts, 2);
  EXPECT_FALSE(fs::exists(store.part_path(id, "message.wav")));
  const auto history = store.history(id);
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[2].state, MessageState::retrying);
  EXPECT_EQ(history[2].detail, "451 try later");
  EXPECT_FALSE(store.set_state("no-such-id", MessageState::dead, "x"));
  EXPECT_EQ(store.list(MessageState::delivered, 10).size(), 1u);
}

TEST(MessageStore, OnlyDeliveredMessagesPastTheirKeepingArePurged) {
  TempDirectory dir;
  MessageStore store(options(dir.path()));
  const auto ids = store.store({voicemail(), voicemail(), voicemail()});
  ASSERT_TRUE(store.set_state(ids[0].id, MessageState::delivered, "250 ok", {}, true));
  ASSERT_TRUE(store.set_state(ids[1].id, MessageState::dead, "550 no such user", {}, true));
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(store.purge_delivered(now - std::chrono::hours(1)), 0u) << "delivered just now: kept";
  EXPECT_EQ(store.purge_delivered(now + std::chrono::seconds(1)), 1u);
  EXPECT_FALSE(store.find(ids[0].id));
  EXPECT_TRUE(store.history(ids[0].id).empty());
  EXPECT_EQ(store.find(ids[1].id)->state, MessageState::dead);  // waits for an operator
  EXPECT_EQ(store.find(ids[2].id)->state, MessageState::queued);
  EXPECT_EQ(store.purge_delivered(now + std::chrono::seconds(1)), 0u);
}

}  // namespace
}  // namespace junction
