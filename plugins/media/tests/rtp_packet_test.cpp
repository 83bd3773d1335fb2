// RTP parsing and writing, including what a broken or hostile sender may put on the wire.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtp_packet.hpp"

namespace junction::media {
namespace {

// A 12-byte header (given first two bytes; seq 0x1234, ts 320, SSRC 0xdeadbeef) + `extra` bytes.
std::vector<std::uint8_t> packet(std::uint8_t first, std::uint8_t second, const std::vector<std::uint8_t>& extra) {
  const std::uint8_t header[] = {first, second, 0x12, 0x34, 0, 0, 0x01, 0x40, 0xde, 0xad, 0xbe, 0xef};
  std::vector<std::uint8_t> p(sizeof header + extra.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = i < sizeof header ? header[i] : extra[i - sizeof header];
  return p;
}

TEST(RtpPacketTest, HeaderFieldsAndPayloadAreRead) {
  const auto data = packet(0x80, 0x80 | 8, {1, 2, 3});
  RtpPacket out;
  ASSERT_EQ(parse_rtp(data, out), RtpProblem::none);
  EXPECT_EQ(out.header.payload_type, 8);
  EXPECT_TRUE(out.header.marker);
  EXPECT_EQ(out.header.sequence, 0x1234);
  EXPECT_EQ(out.header.timestamp, 320u);
  EXPECT_EQ(out.header.ssrc, 0xdeadbeefu);
  ASSERT_EQ(out.payload.size(), 3u);
  EXPECT_EQ(out.payload[0], 1);
}

TEST(RtpPacketTest, CsrcListExtensionAndPaddingAreSkipped) {
  // 2 CSRCs, an extension of one word, 2 payload bytes, 3 bytes of padding.
  std::vector<std::uint8_t> extra = {0,    0,    0, 1, 0, 0, 0, 2,  // CSRCs
                                     0xbe, 0xde, 0, 1, 9, 9, 9, 9,  // extension header + 1 word
                                     7,    8,                       // payload
                                     0,    0,    3};                // padding, count last
  const auto data = packet(0x80 | 0x20 | 0x10 | 2, 0, extra);
  RtpPacket out;
  ASSERT_EQ(parse_rtp(data, out), RtpProblem::none);
  ASSERT_EQ(out.payload.size(), 2u);
  EXPECT_EQ(out.payload[0], 7);
  EXPECT_EQ(out.payload[1], 8);
}

TEST(RtpPacketTest, MalformedDatagramsAreRefusedWithTheirReason) {
  RtpPacket out;
  EXPECT_EQ(parse_rtp(std::vector<std::uint8_t>{}, out), RtpProblem::too_short);
  EXPECT_EQ(parse_rtp(std::vector<std::uint8_t>(11, 0x80), out), RtpProblem::too_short);
  EXPECT_EQ(parse_rtp(packet(0x40, 0, {1}), out), RtpProblem::bad_version);
  EXPECT_EQ(parse_rtp(packet(0x80 | 15, 0, {1, 2, 3, 4}), out), RtpProblem::too_short) << "15 CSRCs announced";
  EXPECT_EQ(parse_rtp(packet(0x90, 0, {0xbe, 0xde}), out), RtpProblem::too_short) << "extension header cut";
  EXPECT_EQ(parse_rtp(packet(0x90, 0, {0xbe, 0xde, 0xff, 0xff, 1}), out), RtpProblem::too_short)
      << "extension longer than the datagram";
  EXPECT_EQ(parse_rtp(packet(0xa0, 0, {1, 2, 0}), out), RtpProblem::bad_padding) << "padding count 0";
  EXPECT_EQ(parse_rtp(packet(0xa0, 0, {1, 2, 9}), out), RtpProblem::bad_padding) << "more padding than payload";
  EXPECT_EQ(parse_rtp(packet(0x80, 0, {}), out), RtpProblem::empty_payload);
  EXPECT_EQ(parse_rtp(packet(0x80, 0x80 | 72, {1}), out), RtpProblem::rtcp) << "RTCP SR multiplexed (200)";
}

TEST(RtpPacketTest, WrittenPacketsParseBack) {
  RtpHeader header{0, true, 65535, 0xfffffff0u, 0x01020304u};
  const std::array<std::uint8_t, 160> payload{};
  std::array<std::uint8_t, 200> buffer{};
  const std::size_t size = write_rtp(header, payload, buffer);
  ASSERT_EQ(size, kRtpHeaderSize + payload.size());
  RtpPacket out;
  ASSERT_EQ(parse_rtp(std::span(buffer.data(), size), out), RtpProblem::none);
  EXPECT_EQ(out.header.sequence, 65535);
  EXPECT_EQ(out.header.timestamp, 0xfffffff0u);
  EXPECT_EQ(out.header.ssrc, 0x01020304u);
  EXPECT_TRUE(out.header.marker);
  EXPECT_EQ(out.payload.size(), 160u);
  std::array<std::uint8_t, 100> small{};
  EXPECT_EQ(write_rtp(header, payload, small), 0u) << "too small a buffer is refused, not overrun";
}

}  // namespace
}  // namespace junction::media
