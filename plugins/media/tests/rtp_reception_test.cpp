#include "rtp_reception.hpp"

#include <gtest/gtest.h>

namespace junction::media {
namespace {

TEST(RtpReception, NoLossNoJitterForAStreamOnTime) {
  RtpReception r;
  for (std::uint16_t i = 0; i < 50; ++i) r.on_packet(i, i * 160u, 1000 + i * 160u);
  const auto block = r.report(7);
  EXPECT_EQ(block.ssrc, 7u);
  EXPECT_EQ(block.fraction_lost, 0);
  EXPECT_EQ(block.cumulative_lost, 0);
  EXPECT_EQ(block.highest_sequence, 49u);
  EXPECT_EQ(block.jitter, 0u);
}

TEST(RtpReception, LossIsCountedAndTheFractionIsPerInterval) {
  RtpReception r;
  for (std::uint16_t i = 0; i < 100; ++i)
    if (i % 4 != 0 || i == 0) r.on_packet(i, i * 160u, i * 160u);
  auto block = r.report(1);
  EXPECT_EQ(block.cumulative_lost, 24);
  EXPECT_EQ(block.fraction_lost, 24 * 256 / 100);
  for (std::uint16_t i = 100; i < 200; ++i) r.on_packet(i, i * 160u, i * 160u);
  block = r.report(1);
  EXPECT_EQ(block.fraction_lost, 0) << "nothing lost since the last report";
  EXPECT_EQ(block.cumulative_lost, 24);
}

TEST(RtpReception, SequenceWrapsIntoTheCycleCount) {
  RtpReception r;
  for (std::uint32_t i = 65530; i < 65546; ++i) r.on_packet(static_cast<std::uint16_t>(i), i * 160, i * 160);
  const auto block = r.report(1);
  EXPECT_EQ(block.highest_sequence, 65545u);
  EXPECT_EQ(block.cumulative_lost, 0);
}

TEST(RtpReception, ReorderedAndDuplicatePacketsDoNotMoveTheHighestSequence) {
  RtpReception r;
  r.on_packet(10, 0, 0);
  r.on_packet(12, 320, 320);
  r.on_packet(11, 160, 330);
  r.on_packet(11, 160, 340);  // a duplicate: received counts it (RFC 3550 A.3), lost goes negative
  EXPECT_EQ(r.report(1).highest_sequence, 12u);
  EXPECT_EQ(r.lost(), -1);
}

TEST(RtpReception, JitterFollowsVaryingTransit) {
  RtpReception r;
  for (std::uint16_t i = 0; i < 200; ++i) r.on_packet(i, i * 160u, i * 160u + (i % 2 ? 80u : 0u));
  EXPECT_NEAR(r.jitter(), 80, 5) << "transit alternating by 80 units settles near 80";
}

}  // namespace
}  // namespace junction::media
