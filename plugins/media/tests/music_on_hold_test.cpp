#include "music_on_hold.hpp"

#include "g711.hpp"

#include <gtest/gtest.h>

namespace junction::media {
namespace {

using std::chrono::milliseconds;

TEST(MusicOnHold, EveryListenerGetsTheFrameOfTheSharedClock) {
  std::vector<std::int16_t> pcm(160 * 3);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<std::int16_t>((i / 160 + 1) * 1000);
  const MusicClass music(pcm, {"PCMU", "PCMA"});
  EXPECT_EQ(music.length(), milliseconds(60));
  const auto now = std::chrono::steady_clock::now();
  const auto one = music.frame_at("PCMU", now);
  const auto other = music.frame_at("PCMU", now);
  ASSERT_EQ(one.size(), 160u);
  EXPECT_EQ(one.data(), other.data()) << "the same moment is the same frame, shared";
  // Twenty milliseconds later the stream is one frame on, and after the end it starts again.
  const auto next = music.frame_at("PCMU", now + milliseconds(20));
  EXPECT_NE(next.data(), one.data());
  EXPECT_EQ(music.frame_at("PCMU", now + milliseconds(40)).data(),
            music.frame_at("PCMU", now + milliseconds(100)).data());
  EXPECT_EQ(music.frame_at("PCMU", now + milliseconds(60)).data(), one.data());
}

TEST(MusicOnHold, FramesAreCodedInTheListenersLaw) {
  const MusicClass music(std::vector<std::int16_t>(100, 3000), {"PCMU", "PCMA"});  // a part frame: filled with silence
  const auto now = std::chrono::steady_clock::now();
  const auto ulaw = music.frame_at("PCMU", now);
  const auto alaw = music.frame_at("PCMA", now);
  const auto expected_u = g711_encode(G711Law::ulaw, std::vector<std::int16_t>{3000});
  const auto expected_a = g711_encode(G711Law::alaw, std::vector<std::int16_t>{3000});
  const auto silence_u = g711_encode(G711Law::ulaw, std::vector<std::int16_t>{0});
  EXPECT_EQ(ulaw.size(), 160u);
  EXPECT_EQ(ulaw[0], expected_u[0]);
  EXPECT_EQ(alaw[0], expected_a[0]);
  EXPECT_EQ(ulaw[159], silence_u[0]);
}

TEST(MusicOnHold, EmptyAudioIsRefused) { EXPECT_THROW(MusicClass({}, {"PCMU"}), std::invalid_argument); }

TEST(MusicOnHold, BuiltInTuneIsAudibleAndLoops) {
  const auto pcm = builtin_hold_music();
  ASSERT_GT(pcm.size(), 8000u * 3);
  long peak = 0;
  for (auto s : pcm) peak = std::max<long>(peak, std::abs(s));
  EXPECT_GT(peak, 3000);
  EXPECT_LT(peak, 32767);
}

}  // namespace
}  // namespace junction::media
