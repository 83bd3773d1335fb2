// What a codec costs per 20 ms frame, and so per channel: each codec's encode and decode, and
// the two directions of a G.711 <-> Opus transcoding relay (decode one, encode the other), on
// speech (espeak-ng, 8 kHz). A channel relayed both ways costs 50 frames a second of each
// direction. Run with bench/media/run_transcode.sh; results in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include "audio_codec.hpp"
#include "speech.hpp"

namespace {

using junction::media::AudioCodec;
using junction::media::make_codec;

const std::vector<std::int16_t>& speech() {
  static const std::vector<std::int16_t> pcm = junction::media::synthesize(
      "Thank you for calling. All our lines are busy at the moment. Please hold, your call is important to us.", "en",
      8000);
  return pcm;
}

// The speech as 20 ms frames, coded with a fresh `encoding` codec.
std::vector<std::vector<std::uint8_t>> coded_speech(const char* encoding) {
  auto codec = make_codec(encoding);
  std::vector<std::vector<std::uint8_t>> frames;
  const auto& pcm = speech();
  for (std::size_t at = 0; at + 160 <= pcm.size(); at += 160)
    frames.push_back(codec->encode(std::span<const std::int16_t>(pcm).subspan(at, 160)));
  return frames;
}

void Encode(benchmark::State& state, const char* encoding) {
  auto codec = make_codec(encoding);
  const auto& pcm = speech();
  const std::size_t frames = pcm.size() / 160;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec->encode(std::span<const std::int16_t>(pcm).subspan((i++ % frames) * 160, 160)));
  }
}

void Decode(benchmark::State& state, const char* encoding) {
  const auto frames = coded_speech(encoding);
  auto codec = make_codec(encoding);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(codec->decode(frames[i++ % frames.size()]));
}

// One direction of a relay between legs of different codecs: decode `from`, encode `to`.
void Transcode(benchmark::State& state, const char* from, const char* to) {
  const auto frames = coded_speech(from);
  auto decoder = make_codec(from);
  auto encoder = make_codec(to);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto pcm = decoder->decode(frames[i++ % frames.size()]);
    benchmark::DoNotOptimize(encoder->encode(pcm));
  }
}

BENCHMARK_CAPTURE(Encode, PCMU, "PCMU");
BENCHMARK_CAPTURE(Decode, PCMU, "PCMU");
BENCHMARK_CAPTURE(Encode, G722, "G722");
BENCHMARK_CAPTURE(Decode, G722, "G722");
BENCHMARK_CAPTURE(Encode, opus, "opus");
BENCHMARK_CAPTURE(Decode, opus, "opus");
BENCHMARK_CAPTURE(Transcode, PCMU_to_opus, "PCMU", "opus");
BENCHMARK_CAPTURE(Transcode, opus_to_PCMU, "opus", "PCMU");
BENCHMARK_CAPTURE(Transcode, PCMA_to_PCMU, "PCMA", "PCMU");

}  // namespace

BENCHMARK_MAIN();
