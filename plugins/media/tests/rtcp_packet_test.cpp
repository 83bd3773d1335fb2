#include "rtcp_packet.hpp"

#include <gtest/gtest.h>

namespace junction::media {
namespace {

std::vector<std::uint8_t> written(const std::optional<SenderInfo>& sender, const std::optional<ReportBlock>& block) {
  std::vector<std::uint8_t> out(256);
  out.resize(write_rtcp_report(0xabcdef01, sender, block, "junction-test", out));
  return out;
}

TEST(RtcpPacket, SenderReportWithABlockRoundTrips) {
  const SenderInfo sender{0x0123456789abcdefull, 16000, 50, 8000};
  const ReportBlock block{0x11223344, 25, -3, 0x0001ffff, 40, 0x89abcdef, 65536};
  const auto packet = written(sender, block);
  ASSERT_FALSE(packet.empty());
  EXPECT_EQ(packet.size() % 4, 0u);
  EXPECT_EQ(packet[1], 200);
  const auto report = parse_rtcp(packet);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->ssrc, 0xabcdef01u);
  ASSERT_TRUE(report->sender);
  EXPECT_EQ(report->sender->ntp, sender.ntp);
  EXPECT_EQ(report->sender->rtp_timestamp, 16000u);
  EXPECT_EQ(report->sender->packets, 50u);
  ASSERT_EQ(report->blocks.size(), 1u);
  EXPECT_EQ(report->blocks[0].ssrc, 0x11223344u);
  EXPECT_EQ(report->blocks[0].fraction_lost, 25);
  EXPECT_EQ(report->blocks[0].cumulative_lost, -3) << "24-bit signed";
  EXPECT_EQ(report->blocks[0].highest_sequence, 0x0001ffffu);
  EXPECT_EQ(report->blocks[0].last_sr, 0x89abcdefu);
  EXPECT_EQ(report->blocks[0].delay_since_last_sr, 65536u);
}

TEST(RtcpPacket, ReceiverReportWithoutBlocksHasItsSdes) {
  const auto packet = written(std::nullopt, std::nullopt);
  EXPECT_EQ(packet[1], 201);
  EXPECT_EQ(packet[8 + 1], 202) << "SDES follows the 8-byte RR";
  const std::string text(packet.begin(), packet.end());
  EXPECT_NE(text.find("junction-test"), std::string::npos);
  const auto report = parse_rtcp(packet);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->sender);
  EXPECT_TRUE(report->blocks.empty());
}

TEST(RtcpPacket, InvalidCompoundsAreRefused) {
  const auto good = written(std::nullopt, ReportBlock{});
  auto bad = good;
  bad[0] = static_cast<std::uint8_t>((bad[0] & 0x3f) | 0x40);  // version 1
  EXPECT_FALSE(parse_rtcp(bad));
  bad = good;
  bad[0] |= 0x20;  // padding on the first packet
  EXPECT_FALSE(parse_rtcp(bad));
  bad = good;
  bad[3] += 1;  // a length beyond the datagram
  EXPECT_FALSE(parse_rtcp(bad));
  bad = good;
  bad.resize(bad.size() - 4);  // lengths no longer add up
  EXPECT_FALSE(parse_rtcp(bad));
  bad = good;
  bad[1] = 202;  // an SDES first
  EXPECT_FALSE(parse_rtcp(bad));
  bad = good;
  bad[0] = static_cast<std::uint8_t>((bad[0] & 0xe0) | 5);  // claims 5 blocks it does not have
  EXPECT_FALSE(parse_rtcp(bad));
  EXPECT_FALSE(parse_rtcp(std::vector<std::uint8_t>{0x80, 0xc8, 0, 0}));
  EXPECT_FALSE(parse_rtcp(std::vector<std::uint8_t>{}));
}

TEST(RtcpPacket, TooSmallABufferWritesNothing) {
  std::vector<std::uint8_t> out(20);
  EXPECT_EQ(write_rtcp_report(1, SenderInfo{}, ReportBlock{}, "cname", out), 0u);
}

}  // namespace
}  // namespace junction::media
