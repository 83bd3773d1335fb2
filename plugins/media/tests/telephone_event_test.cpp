// RFC 4733 key presses: one report per press, whatever the number of packets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "telephone_event.hpp"

namespace junction::media {
namespace {

std::vector<std::uint8_t> event(std::uint8_t key, bool end, std::uint16_t duration) {
  return {key, static_cast<std::uint8_t>((end ? 0x80 : 0) | 10), static_cast<std::uint8_t>(duration >> 8),
          static_cast<std::uint8_t>(duration)};
}

TEST(TelephoneEventTest, EveryKeyHasItsCharacter) {
  std::string keys;
  for (std::uint8_t e = 0; e <= 15; ++e) keys += *dtmf_key(event(e, false, 160));
  EXPECT_EQ(keys, "0123456789*#ABCD");
  EXPECT_FALSE(dtmf_key(event(16, false, 160))) << "flash is no key";
  EXPECT_FALSE(dtmf_key(std::vector<std::uint8_t>{5, 0, 0})) << "too short";
}

TEST(TelephoneEventTest, APressIsReportedOnceAtItsFirstPacket) {
  DtmfDetector detector;
  std::string heard;
  auto feed = [&](std::uint32_t ts, std::uint8_t key, bool end, std::uint16_t duration) {
    if (auto k = detector.on_packet(ts, event(key, end, duration))) heard += *k;
  };
  // "1": updates, then the end packet three times (RFC 4733 2.5.1.4), all with timestamp 1000.
  for (std::uint16_t d : {160, 320, 480}) feed(1000, 1, false, d);
  for (int i = 0; i < 3; ++i) feed(1000, 1, true, 640);
  // "1" again: a new press has a new timestamp.
  feed(3000, 1, false, 160);
  feed(3000, 1, true, 320);
  // "#", its first packet lost: reported at its end packet.
  feed(5000, 11, true, 800);
  // "2" then "3", with an end packet of "2" overtaken by the start of "3".
  feed(7000, 2, false, 160);
  feed(9000, 3, false, 160);
  feed(7000, 2, true, 640);
  EXPECT_EQ(heard, "11#23");
  // Timestamps wrap at 2^32: a press just after the wrap is newer.
  DtmfDetector wrapping;
  EXPECT_EQ(wrapping.on_packet(0xfffffff0u, event(4, false, 160)), '4');
  EXPECT_EQ(wrapping.on_packet(0x00000100u, event(5, false, 160)), '5');
  EXPECT_FALSE(wrapping.on_packet(0xfffffff0u, event(4, true, 640))) << "the end of 4, late";
}

}  // namespace
}  // namespace junction::media
