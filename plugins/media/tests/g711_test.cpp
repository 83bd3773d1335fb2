// G.711 through spandsp: known code words and round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "g711.hpp"

namespace junction::media {
namespace {

TEST(G711Test, KnownCodeWords) {
  // Silence is 0xff in µ-law and 0xd5 in A-law (ITU-T G.711 tables, even bits inverted).
  const std::vector<std::int16_t> zero = {0};
  EXPECT_EQ(g711_encode(G711Law::ulaw, zero)[0], 0xff);
  EXPECT_EQ(g711_encode(G711Law::alaw, zero)[0], 0xd5);
  // Full scale: µ-law 0x80 / 0x00, A-law 0xaa / 0x2a.
  const std::vector<std::int16_t> peaks = {32767, -32768};
  EXPECT_EQ(g711_encode(G711Law::ulaw, peaks), (std::vector<std::uint8_t>{0x80, 0x00}));
  EXPECT_EQ(g711_encode(G711Law::alaw, peaks), (std::vector<std::uint8_t>{0xaa, 0x2a}));
  EXPECT_EQ(g711_decode(G711Law::ulaw, std::vector<std::uint8_t>{0x80})[0], 32124);
  EXPECT_EQ(g711_decode(G711Law::alaw, std::vector<std::uint8_t>{0xaa})[0], 32256);
}

TEST(G711Test, EveryCodeWordSurvivesDecodeAndEncode) {
  for (G711Law law : {G711Law::ulaw, G711Law::alaw}) {
    std::vector<std::uint8_t> all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
    const auto again = g711_encode(law, g711_decode(law, all));
    for (int i = 0; i < 256; ++i) {
      // µ-law has two zeros (0x7f and 0xff); both decode to 0 and encode back as 0xff.
      if (law == G711Law::ulaw && i == 0x7f) continue;
      EXPECT_EQ(again[i], i) << (law == G711Law::ulaw ? "ulaw " : "alaw ") << i;
    }
  }
}

TEST(G711Test, ASineWaveComesBackWithinTheLawsQuantisation) {
  std::vector<std::int16_t> tone(160);
  for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<std::int16_t>(8000 * std::sin(i * 0.35));
  for (G711Law law : {G711Law::ulaw, G711Law::alaw}) {
    const auto back = g711_decode(law, g711_encode(law, tone));
    ASSERT_EQ(back.size(), tone.size());
    for (std::size_t i = 0; i < tone.size(); ++i)
      // Within half a step of the law: ~3 % of the value, at least 8 (A-law has no exact zero).
      EXPECT_LE(std::abs(back[i] - tone[i]), 8 + std::abs(tone[i]) / 32) << i;
  }
}

}  // namespace
}  // namespace junction::media
