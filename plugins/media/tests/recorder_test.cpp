// The recorder: order restored, gaps become silence, stops on length and on silence.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "recorder.hpp"

#include "g711.hpp"

namespace junction::media {
namespace {

using namespace std::chrono_literals;

std::vector<std::uint8_t> tone_frame(int frame) {
  std::vector<std::int16_t> pcm(160);
  for (int i = 0; i < 160; ++i) pcm[i] = static_cast<std::int16_t>(6000 * std::sin((frame * 160 + i) * 0.3));
  return g711_encode(G711Law::ulaw, pcm);
}
const std::vector<std::uint8_t> kSilence(160, 0xff);

TEST(RecorderTest, FramesComeOutInOrderAndAGapIsSilence) {
  Recorder recorder(make_codec("PCMU"), {});
  for (int f : {0, 2, 1, 4}) recorder.feed(static_cast<std::uint16_t>(100 + f), f * 160u, tone_frame(f));  // 3 lost
  for (int turn = 0; turn < 5; ++turn) EXPECT_EQ(recorder.tick(), Recorder::Stop::running);
  const auto& samples = recorder.samples();
  ASSERT_EQ(samples.size(), 5u * 160);
  // Frame 1 (arrived late but in time) is in place 1; frame 3 is a gap of silence.
  const auto frame1 = g711_decode(G711Law::ulaw, tone_frame(1));
  EXPECT_TRUE(std::equal(frame1.begin(), frame1.end(), samples.begin() + 160));
  for (int i = 3 * 160; i < 4 * 160; ++i) EXPECT_EQ(samples[i], 0) << i;
  EXPECT_EQ(recorder.length(), 100ms);
}

TEST(RecorderTest, StopsAtTheMaximumLength) {
  Recorder recorder(make_codec("PCMU"), {200ms, 0ms, 500});
  Recorder::Stop stop = Recorder::Stop::running;
  int turns = 0;
  while (stop == Recorder::Stop::running && turns < 100) {
    recorder.feed(static_cast<std::uint16_t>(turns), turns * 160u, tone_frame(turns));
    stop = recorder.tick();
    ++turns;
  }
  EXPECT_EQ(stop, Recorder::Stop::max_length);
  EXPECT_EQ(recorder.length(), 200ms);
}

TEST(RecorderTest, SilenceAfterSpeechEndsItAndIsCutButLeadingSilenceDoesNot) {
  Recorder recorder(make_codec("PCMU"), {10000ms, 100ms, 500});
  int seq = 0;
  auto turn = [&](const std::vector<std::uint8_t>& payload) {
    recorder.feed(static_cast<std::uint16_t>(seq), seq * 160u, payload);
    ++seq;
    return recorder.tick();
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(turn(kSilence), Recorder::Stop::running) << "nobody spoke yet";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(turn(tone_frame(i)), Recorder::Stop::running);
  Recorder::Stop stop = Recorder::Stop::running;
  for (int i = 0; i < 10 && stop == Recorder::Stop::running; ++i) stop = turn(kSilence);
  EXPECT_EQ(stop, Recorder::Stop::silence);
  // Leading silence is kept (the caller's pause before speaking); the final silence is not.
  EXPECT_EQ(recorder.length(), 15 * 20ms);
}

}  // namespace
}  // namespace junction::media
