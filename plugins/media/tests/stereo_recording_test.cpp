#include "stereo_recording.hpp"

#include <gtest/gtest.h>

namespace junction::media {
namespace {

using std::chrono::milliseconds;
using Clock = StereoRecording::Clock;

std::vector<std::int16_t> frame(std::int16_t value) { return std::vector<std::int16_t>(160, value); }

TEST(StereoRecording, SidesGoLeftAndRightInStep) {
  const auto start = Clock::now();
  StereoRecording rec(start, std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i) {
    rec.feed(0, 1000 + 160 * i, frame(static_cast<std::int16_t>(10 + i)), start + milliseconds(20 * (i + 1)));
    rec.feed(1, 50000 + 160 * i, frame(static_cast<std::int16_t>(20 + i)), start + milliseconds(20 * (i + 1)));
  }
  const auto out = rec.interleaved();
  ASSERT_EQ(out.size(), 3u * 160 * 2);
  EXPECT_EQ(out[0], 10);
  EXPECT_EQ(out[1], 20);
  EXPECT_EQ(out[2 * 160], 11);
  EXPECT_EQ(out[2 * 160 + 1], 21);
  EXPECT_EQ(rec.length(), milliseconds(60));
}

TEST(StereoRecording, ReorderedPacketsLandByTimestampAndLateStartsAreOffset) {
  const auto start = Clock::now();
  StereoRecording rec(start, std::chrono::seconds(10));
  rec.feed(0, 0, frame(1), start + milliseconds(20));
  rec.feed(0, 320, frame(3), start + milliseconds(60));
  rec.feed(0, 160, frame(2), start + milliseconds(65));  // late, but its place is between
  // The callee's first packet comes 100 ms in: its audio starts 80 ms in.
  rec.feed(1, 7, frame(9), start + milliseconds(100));
  const auto out = rec.interleaved();
  EXPECT_EQ(out[2 * 0], 1);
  EXPECT_EQ(out[2 * 160], 2);
  EXPECT_EQ(out[2 * 320], 3);
  EXPECT_EQ(out[2 * 639 + 1], 0);
  EXPECT_EQ(out[2 * 640 + 1], 9);
}

TEST(StereoRecording, ATimestampJumpIsANewStreamAtItsArrivalTime) {
  const auto start = Clock::now();
  StereoRecording rec(start, std::chrono::seconds(10));
  rec.feed(0, 0, frame(1), start + milliseconds(20));
  rec.feed(0, 123456789, frame(2), start + milliseconds(40));  // a re-INVITE restarted the stream
  const auto out = rec.interleaved();
  ASSERT_EQ(out.size(), 2u * 320);
  EXPECT_EQ(out[2 * 160], 2);
}

TEST(StereoRecording, NothingBeyondTheMaximumLength) {
  const auto start = Clock::now();
  StereoRecording rec(start, std::chrono::seconds(1));
  rec.feed(0, 0, frame(1), start + milliseconds(20));
  rec.feed(0, 8000, frame(2), start + milliseconds(1020));
  EXPECT_EQ(rec.interleaved().size(), 2u * 160);
}

}  // namespace
}  // namespace junction::media
