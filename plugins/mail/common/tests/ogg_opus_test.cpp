#include "ogg_opus.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "ogg_opus_test_support.hpp"

namespace junction::mail {
namespace {

using test::OggFile;
using test::parse_ogg;
using test::tone_wav;
using test::wav_file;

std::uint32_t le32(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

// The audio packets decoded with libopus at 48 kHz, interleaved, pre-skip and end trimmed as
// RFC 7845 4.2 and 4.5 say (the last page's granule position is pre-skip plus the samples).
std::vector<opus_int16> decode(const OggFile& ogg) {
  int error = 0;
  OpusDecoder* decoder = opus_decoder_create(48000, ogg.channels, &error);
  EXPECT_EQ(error, OPUS_OK);
  std::vector<opus_int16> pcm;
  std::vector<opus_int16> frame(5760 * static_cast<std::size_t>(ogg.channels));
  for (std::size_t i = 2; i < ogg.packets.size(); ++i) {
    const auto& packet = ogg.packets[i];
    const int samples = opus_decode(decoder, reinterpret_cast<const unsigned char*>(packet.data()),
                                    static_cast<opus_int32>(packet.size()), frame.data(), 5760, 0);
    EXPECT_GT(samples, 0) << "packet " << i << " does not decode";
    if (samples > 0) pcm.insert(pcm.end(), frame.begin(), frame.begin() + samples * ogg.channels);
  }
  opus_decoder_destroy(decoder);
  const auto skip = static_cast<std::size_t>(ogg.pre_skip) * static_cast<std::size_t>(ogg.channels);
  const auto keep = static_cast<std::size_t>(ogg.last_granule - ogg.pre_skip) * static_cast<std::size_t>(ogg.channels);
  EXPECT_GE(pcm.size(), skip + keep) << "fewer samples decoded than the granule position says";
  if (pcm.size() < skip + keep) return {};
  return std::vector<opus_int16>(pcm.begin() + static_cast<std::ptrdiff_t>(skip),
                                 pcm.begin() + static_cast<std::ptrdiff_t>(skip + keep));
}

// Sign changes of one channel in [from, to) frames: a tone of f Hz has 2f a second.
int zero_crossings(const std::vector<opus_int16>& pcm, int channels, int channel, std::size_t from, std::size_t to) {
  int crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i) {
    const int a = pcm[(i - 1) * channels + channel];
    const int b = pcm[i * channels + channel];
    if ((a < 0) != (b < 0)) ++crossings;
  }
  return crossings;
}

TEST(OggOpus, ASecondOf8kHzMonoVoiceBecomesASmallOggOpusFileOfTheSameLength) {
  const std::string wav = tone_wav(8000, 1, 8000, 440);
  ASSERT_EQ(wav.size(), 44u + 16000u);
  const auto ogg = wav_to_ogg_opus(wav, kDefaultOpusBitrate);
  ASSERT_TRUE(ogg.has_value());
  ASSERT_TRUE(ogg->starts_with("OggS")) << "an Ogg page first";
  EXPECT_LT(ogg->size() * 5, wav.size()) << ogg->size() << " bytes of Ogg for " << wav.size() << " of WAV";

  const OggFile parsed = parse_ogg(*ogg);
  ASSERT_TRUE(parsed.valid) << parsed.problem;
  ASSERT_GE(parsed.packets.size(), 3u);
  const std::string& head = parsed.packets[0];
  ASSERT_GE(head.size(), 19u);
  EXPECT_TRUE(head.starts_with("OpusHead"));
  EXPECT_EQ(head[8], 1) << "version";
  EXPECT_EQ(head[9], 1) << "channels";
  EXPECT_EQ(le32(head, 12), 8000u) << "input sample rate";
  EXPECT_TRUE(parsed.packets[1].starts_with("OpusTags"));
  EXPECT_EQ(parsed.last_granule - parsed.pre_skip, 48000) << "one second at 48 kHz, no more, no less";
  EXPECT_TRUE(parsed.ends_stream) << "the last page says end of stream";

  const auto pcm = decode(parsed);
  ASSERT_EQ(pcm.size(), 48000u);
  const int crossings = zero_crossings(pcm, 1, 0, 12000, 36000);  // half a second, away from the edges
  EXPECT_NEAR(crossings, 440, 10) << "still a 440 Hz tone";
  double energy = 0;
  for (std::size_t i = 12000; i < 36000; ++i) energy += double(pcm[i]) * pcm[i];
  EXPECT_NEAR(std::sqrt(energy / 24000), 10000 / std::numbers::sqrt2, 2000) << "at the level it was recorded";
}

TEST(OggOpus, StereoAndOtherRatesKeepTheirChannelsAndInputRate) {
  const std::string wav = tone_wav(16000, 2, 8000, 440, 660);  // half a second
  const auto ogg = wav_to_ogg_opus(wav, 32000);
  ASSERT_TRUE(ogg.has_value());
  const OggFile parsed = parse_ogg(*ogg);
  ASSERT_TRUE(parsed.valid) << parsed.problem;
  EXPECT_EQ(parsed.channels, 2);
  EXPECT_EQ(le32(parsed.packets[0], 12), 16000u);
  EXPECT_EQ(parsed.last_granule - parsed.pre_skip, 24000);
  const auto pcm = decode(parsed);
  ASSERT_EQ(pcm.size(), 48000u);
  EXPECT_NEAR(zero_crossings(pcm, 2, 0, 6000, 18000), 220, 10) << "left: 440 Hz";
  EXPECT_NEAR(zero_crossings(pcm, 2, 1, 6000, 18000), 330, 10) << "right: 660 Hz";
}

TEST(OggOpus, TheBitrateIsTheOneAskedFor) {
  // Noise uses whatever it is given: about bitrate/8 bytes a second, plus the headers.
  std::vector<std::int16_t> noise(8000);
  std::uint32_t state = 1;
  for (auto& sample : noise) {
    state = state * 1664525u + 1013904223u;
    sample = static_cast<std::int16_t>(static_cast<int>(state >> 16) - 32768) / 4;
  }
  const std::string wav = wav_file(8000, 1, noise);
  const auto low = wav_to_ogg_opus(wav, 8000);
  const auto high = wav_to_ogg_opus(wav, 48000);
  ASSERT_TRUE(low && high);
  EXPECT_NEAR(double(low->size()), 1000.0, 400.0);
  EXPECT_NEAR(double(high->size()), 6000.0, 1500.0);
}

TEST(OggOpus, TheSameRecordingAlwaysBecomesTheSameBytes) {
  const std::string wav = tone_wav(8000, 1, 4000, 300);
  EXPECT_EQ(wav_to_ogg_opus(wav), wav_to_ogg_opus(wav));
}

TEST(OggOpus, AWavWithOtherChunksOrAShortDataChunkStillConverts) {
  std::string wav = tone_wav(8000, 1, 8000, 440);
  // A LIST chunk between fmt and data, as some recorders write.
  std::string listed = wav.substr(0, 36) + std::string("LIST\x04\0\0\0INFO", 12) + wav.substr(36);
  const std::uint32_t riff = static_cast<std::uint32_t>(listed.size() - 8);
  for (int i = 0; i < 4; ++i) listed[4 + i] = static_cast<char>(riff >> (8 * i));
  const auto with_list = wav_to_ogg_opus(listed);
  ASSERT_TRUE(with_list.has_value());
  EXPECT_EQ(parse_ogg(*with_list).last_granule - parse_ogg(*with_list).pre_skip, 48000);
  // A recording cut short (the data chunk says more than there is): what is there goes.
  const auto cut = wav_to_ogg_opus(std::string_view(wav).substr(0, 44 + 8000));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(parse_ogg(*cut).last_granule - parse_ogg(*cut).pre_skip, 24000);
}

TEST(OggOpus, WhatIsNotA16BitPcmWavIsRefused) {
  const std::string wav = tone_wav(8000, 1, 800, 440);
  EXPECT_FALSE(wav_to_ogg_opus(""));
  EXPECT_FALSE(wav_to_ogg_opus("RIFF!"));
  EXPECT_FALSE(wav_to_ogg_opus(std::string(4000, '\x5a')));
  EXPECT_FALSE(wav_to_ogg_opus(wav.substr(0, 30))) << "header cut short";
  std::string not_wave = wav;
  not_wave.replace(8, 4, "AVI ");
  EXPECT_FALSE(wav_to_ogg_opus(not_wave));
  EXPECT_FALSE(wav_to_ogg_opus(wav.substr(0, 44))) << "no audio at all";
  EXPECT_FALSE(wav_to_ogg_opus(test::wav_file(8000, 3, std::vector<std::int16_t>(300)))) << "three channels";
  EXPECT_FALSE(wav_to_ogg_opus(test::wav_file(4000, 1, std::vector<std::int16_t>(300)))) << "4 kHz";
  std::string eight_bit = wav;
  eight_bit[34] = 8;  // bits per sample
  eight_bit[32] = 1;  // block align
  eight_bit[28] = 8000 & 0xff;
  eight_bit[29] = 8000 >> 8;  // bytes per second
  EXPECT_FALSE(wav_to_ogg_opus(eight_bit)) << "8-bit PCM";
  std::string mu_law = eight_bit;
  mu_law[20] = 7;  // WAVE_FORMAT_MULAW, 8 bits a sample
  EXPECT_FALSE(wav_to_ogg_opus(mu_law)) << "G.711";
}

TEST(OggOpus, DamagedWavsGiveNothingOrAValidFileNeverACrash) {
  const std::string wav = tone_wav(8000, 1, 800, 440);
  std::uint32_t state = 7;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int converted = 0;
  for (int round = 0; round < 400; ++round) {
    std::string damaged = wav.substr(0, 1 + next() % wav.size());
    for (int flips = 1 + static_cast<int>(next() % 3); flips > 0; --flips)
      damaged[next() % std::min<std::size_t>(damaged.size(), 48)] = static_cast<char>(next());
    const auto ogg = wav_to_ogg_opus(damaged);
    if (!ogg) continue;
    ++converted;
    const OggFile parsed = parse_ogg(*ogg);
    EXPECT_TRUE(parsed.valid) << "round " << round << ": " << parsed.problem;
  }
  EXPECT_GT(converted, 0) << "some damage (in the sizes, say) leaves a WAV that still plays";
}

}  // namespace
}  // namespace junction::mail
