// Call detail records: the JSON line and the file they are appended to.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/calls/call_detail_record.hpp"
#include "core/calls/cdr_file.hpp"

namespace junction {
namespace {

using namespace std::chrono_literals;

CallDetailRecord answered_call() {
  CallDetailRecord r;
  r.call_id = "c-7";
  r.node = "junction-1";
  r.driver = "sip";
  r.caller = "1001";
  r.caller_name = "Alice \"Al\" Example";
  r.callee = "1002";
  r.connected_to = "sip/sip:1002@10.0.0.5:5062";
  r.started = std::chrono::system_clock::time_point(1795341312000ms);  // 2026-11-22T09:55:12.000Z
  r.answered = r.started + 2500ms;
  r.ended = r.started + 62750ms;
  r.cause = 16;
  return r;
}

TEST(CallDetailRecordTest, AnsweredCallIsOneJsonLineWithTimesAndDurations) {
  EXPECT_EQ(to_json_line(answered_call()),
            "{\"call_id\":\"c-7\",\"node\":\"junction-1\",\"driver\":\"sip\",\"caller\":\"1001\","
            "\"caller_name\":\"Alice \\\"Al\\\" Example\",\"callee\":\"1002\","
            "\"connected_to\":\"sip/sip:1002@10.0.0.5:5062\",\"start\":\"2026-11-22T09:55:12.000Z\","
            "\"answer\":\"2026-11-22T09:55:14.500Z\",\"end\":\"2026-11-22T09:56:14.750Z\",\"duration_ms\":62750,"
            "\"talk_ms\":60250,\"cause\":16,\"cause_name\":\"normal_clearing\"}\n");
}

TEST(CallDetailRecordTest, UnansweredCallHasNoAnswerTimeAndNoTalkTime) {
  CallDetailRecord r = answered_call();
  r.answered.reset();
  r.cause = 17;
  r.caller_name = "line\nbreak";
  const std::string line = to_json_line(r);
  EXPECT_NE(line.find("\"answer\":null"), std::string::npos) << line;
  EXPECT_NE(line.find("\"talk_ms\":0,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"cause_name\":\"user_busy\""), std::string::npos) << line;
  EXPECT_NE(line.find("line\\u000abreak"), std::string::npos) << "one record, one line: " << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

class CdrFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("junction-cdr-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path dir_;
};

TEST_F(CdrFileTest, RecordsAreAppendedAndANewFileStartsAfterRotation) {
  CdrFile file(dir_ / "cdr.jsonl");
  file.append("{\"n\":1}\n");
  file.append("{\"n\":2}\n");
  EXPECT_EQ(read(dir_ / "cdr.jsonl"), "{\"n\":1}\n{\"n\":2}\n");
  std::filesystem::rename(dir_ / "cdr.jsonl", dir_ / "cdr.jsonl.1");  // what logrotate does
  file.append("{\"n\":3}\n");
  EXPECT_EQ(read(dir_ / "cdr.jsonl.1"), "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_EQ(read(dir_ / "cdr.jsonl"), "{\"n\":3}\n");
}

TEST_F(CdrFileTest, AnUnwritablePlaceIsReportedWithItsPath) {
  CdrFile file(dir_ / "missing" / "cdr.jsonl");
  try {
    file.append("{}\n");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/cdr.jsonl"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace junction
