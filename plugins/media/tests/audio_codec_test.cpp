#include "audio_codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "g711.hpp"

namespace junction::media {
namespace {

std::vector<std::int16_t> sine(double frequency, std::size_t samples, double amplitude = 8000) {
  std::vector<std::int16_t> pcm(samples);
  for (std::size_t i = 0; i < samples; ++i)
    pcm[i] = static_cast<std::int16_t>(amplitude * std::sin(2 * std::numbers::pi * frequency * i / 8000.0));
  return pcm;
}

// Codes `pcm` frame by frame with a fresh codec and decodes it again.
std::vector<std::int16_t> round_trip(const char* encoding, const std::vector<std::int16_t>& pcm) {
  auto codec = make_codec(encoding);
  std::vector<std::int16_t> out;
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160) {
    const auto payload = codec->encode(std::span<const std::int16_t>(pcm).subspan(at, 160));
    EXPECT_EQ(codec->units_in(payload), codec->units_per_frame());
    const auto decoded = codec->decode(payload);
    EXPECT_EQ(decoded.size(), 160u) << encoding;
    out.insert(out.end(), decoded.begin(), decoded.end());
  }
  return out;
}

double rms(std::span<const std::int16_t> pcm) {
  double sum = 0;
  for (auto s : pcm) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.size()));
}

double frequency(std::span<const std::int16_t> pcm) {
  std::size_t crossings = 0;
  for (std::size_t i = 1; i < pcm.size(); ++i) crossings += (pcm[i - 1] < 0) != (pcm[i] < 0);
  return static_cast<double>(crossings) / 2.0 / (static_cast<double>(pcm.size()) / 8000.0);
}

TEST(AudioCodec, KnowsItsEncodingsInAnyCase) {
  for (const std::string& name : known_codecs()) EXPECT_NE(make_codec(name), nullptr) << name;
  EXPECT_NE(make_codec("pcmu"), nullptr);
  EXPECT_NE(make_codec("OPUS"), nullptr);
  EXPECT_EQ(make_codec("G729"), nullptr);
  EXPECT_EQ(make_codec(""), nullptr);
}

TEST(AudioCodec, G711IsTheG711Tables) {
  const auto pcm = sine(1000, 160);
  auto ulaw = make_codec("PCMU");
  auto alaw = make_codec("PCMA");
  EXPECT_EQ(ulaw->encode(pcm), g711_encode(G711Law::ulaw, pcm));
  EXPECT_EQ(alaw->encode(pcm), g711_encode(G711Law::alaw, pcm));
  EXPECT_EQ(ulaw->units_per_frame(), 160u);
}

TEST(AudioCodec, G722CarriesAToneAt64kbits) {
  const auto pcm = sine(440, 8000);
  auto codec = make_codec("G722");
  EXPECT_EQ(codec->encode(std::span<const std::int16_t>(pcm).first(160)).size(), 160u)
      << "64 kbit/s: 160 bytes in 20 ms";
  EXPECT_EQ(codec->units_per_frame(), 160u) << "RFC 3551: an 8000 Hz clock";
  const auto out = round_trip("G722", pcm);
  const auto settled = std::span<const std::int16_t>(out).subspan(800);  // after the filters' delay
  EXPECT_NEAR(rms(settled), rms(pcm), rms(pcm) * 0.15);
  EXPECT_NEAR(frequency(settled), 440, 10);
}

TEST(AudioCodec, OpusCarriesAToneInItsOwnClock) {
  const auto pcm = sine(440, 16000);
  auto codec = make_codec("opus");
  EXPECT_EQ(codec->units_per_frame(), 960u) << "RFC 7587: a 48 kHz clock";
  EXPECT_EQ(codec->units_per_sample(), 6u);
  const auto out = round_trip("opus", pcm);
  const auto settled = std::span<const std::int16_t>(out).subspan(4000);
  EXPECT_NEAR(rms(settled), rms(pcm), rms(pcm) * 0.3);
  EXPECT_NEAR(frequency(settled), 440, 15);
}

TEST(AudioCodec, BrokenOpusPacketsDecodeToNothing) {
  auto codec = make_codec("opus");
  const std::vector<std::uint8_t> garbage{0xff, 0xff, 0xff};
  EXPECT_TRUE(codec->decode(garbage).empty());
  EXPECT_EQ(codec->units_in(garbage), 0u);
}

TEST(AudioCodec, ClipsAreWholeFramesTheLastFilledWithSilence) {
  auto codec = make_codec("PCMU");
  const auto clip = encode_clip(*codec, sine(440, 400));
  ASSERT_EQ(clip.frames(), 3u);
  EXPECT_EQ(clip.frame(2).size(), 160u);
  const auto silence = g711_encode(G711Law::ulaw, std::vector<std::int16_t>{0});
  EXPECT_EQ(clip.frame(2)[159], silence[0]);
  auto opus = make_codec("opus");
  const auto coded = encode_clip(*opus, sine(440, 1600));
  EXPECT_EQ(coded.frames(), 10u);
  EXPECT_LT(coded.bytes.size(), 1600u) << "Opus is smaller than G.711";
}

}  // namespace
}  // namespace junction::media
