// The jitter buffer: order restored, duplicates and late frames dropped, gaps reported, wrap
// of the 16-bit sequence number, restarts, and a sender pausing.
#include <gtest/gtest.h>

#include <vector>

#include "jitter_buffer.hpp"

namespace junction::media {
namespace {

const std::vector<std::uint8_t> kAudio = {1, 2, 3};

// Takes `turns` turns; returns the sequence numbers handed out, -1 for a turn without one.
std::vector<int> play(JitterBuffer& buffer, int turns) {
  std::vector<int> out;
  for (int i = 0; i < turns; ++i) {
    auto frame = buffer.get();
    out.push_back(frame ? frame->sequence : -1);
  }
  return out;
}

TEST(JitterBufferTest, HoldsDepthFramesThenPlaysInOrder) {
  JitterBuffer buffer(3);
  buffer.put(100, 0, kAudio);
  buffer.put(101, 160, kAudio);
  EXPECT_FALSE(buffer.get()) << "still filling";
  buffer.put(102, 320, kAudio);
  EXPECT_EQ(play(buffer, 3), (std::vector<int>{100, 101, 102}));
  EXPECT_EQ(buffer.stats().gaps, 0u);
}

TEST(JitterBufferTest, ReorderedFramesComeOutInOrder) {
  JitterBuffer buffer(3);
  for (std::uint16_t seq : {10, 12, 11, 14, 13})
    EXPECT_EQ(buffer.put(seq, seq * 160u, kAudio), JitterBuffer::Put::stored);
  EXPECT_EQ(play(buffer, 5), (std::vector<int>{10, 11, 12, 13, 14}));
}

TEST(JitterBufferTest, DuplicatesAreDroppedEvenAfterPlayout) {
  JitterBuffer buffer(2);
  buffer.put(1, 0, kAudio);
  EXPECT_EQ(buffer.put(1, 0, kAudio), JitterBuffer::Put::duplicate);
  buffer.put(2, 160, kAudio);
  EXPECT_EQ(play(buffer, 1), (std::vector<int>{1}));
  EXPECT_EQ(buffer.put(1, 0, kAudio), JitterBuffer::Put::late) << "its turn has passed";
  EXPECT_EQ(buffer.stats().duplicates, 1u);
  EXPECT_EQ(buffer.stats().late, 1u);
}

TEST(JitterBufferTest, ALostFrameIsAGapAndArrivingAfterItsTurnIsLate) {
  JitterBuffer buffer(2);
  buffer.put(1, 0, kAudio);
  buffer.put(3, 320, kAudio);  // 2 is missing
  buffer.put(4, 480, kAudio);
  EXPECT_EQ(play(buffer, 3), (std::vector<int>{1, -1, 3}));
  EXPECT_EQ(buffer.stats().gaps, 1u);
  EXPECT_EQ(buffer.put(2, 160, kAudio), JitterBuffer::Put::late);
  EXPECT_EQ(play(buffer, 1), (std::vector<int>{4}));
}

TEST(JitterBufferTest, SequenceNumbersWrapAround) {
  JitterBuffer buffer(2);
  for (std::uint16_t seq : {65534, 65535, 0, 1}) buffer.put(seq, 0, kAudio);
  EXPECT_EQ(play(buffer, 4), (std::vector<int>{65534, 65535, 0, 1}));
  EXPECT_EQ(buffer.stats().gaps, 0u);
}

TEST(JitterBufferTest, AJumpOutsideTheWindowRestartsTheBuffer) {
  JitterBuffer buffer(2, 16);
  buffer.put(100, 0, kAudio);
  buffer.put(101, 160, kAudio);
  EXPECT_EQ(play(buffer, 1), (std::vector<int>{100}));
  EXPECT_EQ(buffer.put(30000, 0, kAudio), JitterBuffer::Put::resynced);
  buffer.put(30001, 160, kAudio);
  EXPECT_EQ(play(buffer, 2), (std::vector<int>{30000, 30001}));
  EXPECT_EQ(buffer.stats().resyncs, 1u);
}

TEST(JitterBufferTest, AfterASenderPauseTheNextFrameIsNotLate) {
  JitterBuffer buffer(2);
  buffer.put(1, 0, kAudio);
  buffer.put(2, 160, kAudio);
  EXPECT_EQ(play(buffer, 2), (std::vector<int>{1, 2}));
  EXPECT_EQ(play(buffer, 5), (std::vector<int>{-1, -1, -1, -1, -1})) << "silence";
  // The sender resumes where it stopped (RFC 3550: one sequence number per packet sent).
  EXPECT_NE(buffer.put(3, 16000, kAudio), JitterBuffer::Put::late);
  buffer.put(4, 16160, kAudio);
  EXPECT_EQ(play(buffer, 2), (std::vector<int>{3, 4}));
}

}  // namespace
}  // namespace junction::media
