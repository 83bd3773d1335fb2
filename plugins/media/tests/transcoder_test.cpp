#include "transcoder.hpp"

#include <gtest/gtest.h>

#include "g711.hpp"

namespace junction::media {
namespace {

std::vector<std::uint8_t> alaw_of(std::int16_t value, std::size_t samples) {
  return g711_encode(G711Law::alaw, std::vector<std::int16_t>(samples, value));
}

// Every payload decoded with µ-law back to its first sample, to see which packet it came from.
std::vector<std::int16_t> first_samples(const std::vector<std::vector<std::uint8_t>>& payloads) {
  std::vector<std::int16_t> firsts;
  for (const auto& p : payloads) firsts.push_back(g711_decode(G711Law::ulaw, p).front());
  return firsts;
}

TEST(Transcoder, ReorderedPacketsComeOutInOrderInTheOtherCodec) {
  Transcoder t(make_codec("PCMA"), make_codec("PCMU"));
  const std::int16_t values[] = {1000, 2000, 3000, 4000, 5000};
  for (int i : {0, 2, 1, 3, 4})  // 2 overtakes 1
    t.feed(static_cast<std::uint16_t>(i), static_cast<std::uint32_t>(i * 160), alaw_of(values[i], 160));
  std::vector<std::vector<std::uint8_t>> out;
  for (int turn = 0; turn < 8; ++turn)
    for (auto& p : t.tick()) out.push_back(std::move(p));
  ASSERT_GE(out.size(), 5u);
  const auto firsts = first_samples(out);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(firsts[static_cast<std::size_t>(i)], values[i], values[i] / 16) << i;
  EXPECT_EQ(out[0].size(), 160u) << "20 ms of PCMU";
}

TEST(Transcoder, ALostPacketBecomesSilenceAndThirtyMsPacketsAreReframed) {
  Transcoder t(make_codec("PCMA"), make_codec("PCMU"));
  t.feed(0, 0, alaw_of(3000, 240));
  t.feed(2, 480, alaw_of(3000, 240));  // 1 is lost
  t.feed(3, 720, alaw_of(3000, 240));
  t.feed(4, 960, alaw_of(3000, 240));
  std::vector<std::vector<std::uint8_t>> out;
  for (int turn = 0; turn < 5; ++turn)
    for (auto& p : t.tick()) out.push_back(std::move(p));
  EXPECT_EQ(t.turn(), std::chrono::milliseconds(30));
  // Five 30 ms turns (one of them the gap) are 150 ms: seven whole 20 ms frames.
  ASSERT_EQ(out.size(), 7u);
  std::size_t silent = 0;
  for (const auto& p : out)
    for (std::int16_t s : g711_decode(G711Law::ulaw, p)) silent += std::abs(s) < 16;
  EXPECT_NEAR(static_cast<double>(silent), 240, 20) << "the lost 30 ms is silence";
  EXPECT_EQ(t.stats().gaps, 1u);
}

TEST(Transcoder, ToOpusGivesTwentyMsPacketsInItsClock) {
  Transcoder t(make_codec("PCMU"), make_codec("opus"));
  EXPECT_EQ(t.units_per_frame(), 960u);
  for (std::uint16_t i = 0; i < 10; ++i)
    t.feed(i, i * 160u, g711_encode(G711Law::ulaw, std::vector<std::int16_t>(160, 500)));
  std::size_t payloads = 0;
  for (int turn = 0; turn < 12; ++turn)
    for (const auto& p : t.tick()) {
      EXPECT_EQ(p[0] >> 3, 1) << "SILK narrowband, 20 ms";
      ++payloads;
    }
  EXPECT_GE(payloads, 9u);
}

TEST(Transcoder, NothingComesOutBeforeTheStreamBegins) {
  Transcoder t(make_codec("PCMA"), make_codec("PCMU"));
  EXPECT_TRUE(t.tick().empty());
  EXPECT_TRUE(t.tick().empty());
}

}  // namespace
}  // namespace junction::media
