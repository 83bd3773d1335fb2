#include "audio_codec.hpp"

#include <opus.h>
#include <spandsp.h>
#include <strings.h>

#include <algorithm>
#include <stdexcept>

#include "g711.hpp"

namespace junction::media {

namespace {

constexpr std::size_t kFrameSamples = 160;
constexpr int kOpusComplexity = 5;

class G711Codec final : public AudioCodec {
 public:
  explicit G711Codec(G711Law law) : law_(law) {}
  std::uint32_t units_per_frame() const override { return 160; }
  std::uint32_t units_in(std::span<const std::uint8_t> payload) const override {
    return static_cast<std::uint32_t>(payload.size());
  }
  std::vector<std::uint8_t> encode(std::span<const std::int16_t> frame) override { return g711_encode(law_, frame); }
  std::vector<std::int16_t> decode(std::span<const std::uint8_t> payload) override {
    return g711_decode(law_, payload);
  }

 private:
  G711Law law_;
};

// G.722 at 64 kbit/s; spandsp's 8 kHz option resamples on both sides, so the rest of the
// plugin stays narrowband (the wideband half is lost, the codec is understood).
class G722Codec final : public AudioCodec {
 public:
  G722Codec()
      : encoder_(g722_encode_init(nullptr, 64000, G722_SAMPLE_RATE_8000)),
        decoder_(g722_decode_init(nullptr, 64000, G722_SAMPLE_RATE_8000)) {
    if (!encoder_ || !decoder_) throw std::runtime_error("G.722: out of memory");
  }
  ~G722Codec() override {
    g722_encode_free(encoder_);
    g722_decode_free(decoder_);
  }
  G722Codec(const G722Codec&) = delete;
  G722Codec& operator=(const G722Codec&) = delete;

  std::uint32_t units_per_frame() const override { return 160; }
  // RFC 3551: G.722's RTP clock is 8000 although it samples at 16 kHz; one byte per unit.
  std::uint32_t units_in(std::span<const std::uint8_t> payload) const override {
    return static_cast<std::uint32_t>(payload.size());
  }
  std::vector<std::uint8_t> encode(std::span<const std::int16_t> frame) override {
    std::vector<std::uint8_t> out(frame.size());  // 8 bits per 16 kHz sample pair = 1 byte per 8 kHz sample
    const int n = g722_encode(encoder_, out.data(), frame.data(), static_cast<int>(frame.size()));
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
    return out;
  }
  std::vector<std::int16_t> decode(std::span<const std::uint8_t> payload) override {
    std::vector<std::int16_t> out(payload.size() * 2);
    const int n = g722_decode(decoder_, out.data(), payload.data(), static_cast<int>(payload.size()));
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
    return out;
  }

 private:
  g722_encode_state_t* encoder_;
  g722_decode_state_t* decoder_;
};

// Opus at an 8 kHz interface (libopus codes narrowband itself), mono, VoIP tuning.
class OpusCodec final : public AudioCodec {
 public:
  OpusCodec() {
    int error = OPUS_OK;
    encoder_ = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &error);
    if (error != OPUS_OK || !encoder_) throw std::runtime_error(std::string("Opus encoder: ") + opus_strerror(error));
    // Complexity 5 of 10: about half the default's CPU per frame (54 against 98 µs here,
    // bench/media/transcode_bench.cpp); a server relaying many legs needs that more than the
    // last bit of quality.
    opus_encoder_ctl(encoder_, OPUS_SET_COMPLEXITY(kOpusComplexity));
    decoder_ = opus_decoder_create(8000, 1, &error);
    if (error != OPUS_OK || !decoder_) {
      opus_encoder_destroy(encoder_);
      throw std::runtime_error(std::string("Opus decoder: ") + opus_strerror(error));
    }
  }
  ~OpusCodec() override {
    opus_encoder_destroy(encoder_);
    opus_decoder_destroy(decoder_);
  }
  OpusCodec(const OpusCodec&) = delete;
  OpusCodec& operator=(const OpusCodec&) = delete;

  std::uint32_t units_per_frame() const override { return 960; }
  std::uint32_t units_in(std::span<const std::uint8_t> payload) const override {
    const int n = opus_packet_get_nb_samples(payload.data(), static_cast<opus_int32>(payload.size()), 48000);
    return n > 0 ? static_cast<std::uint32_t>(n) : 0;
  }
  std::vector<std::uint8_t> encode(std::span<const std::int16_t> frame) override {
    std::vector<std::uint8_t> out(400);
    const opus_int32 n = opus_encode(encoder_, frame.data(), static_cast<int>(frame.size()), out.data(),
                                     static_cast<opus_int32>(out.size()));
    out.resize(static_cast<std::size_t>(std::max<opus_int32>(n, 0)));
    return out;
  }
  std::vector<std::int16_t> decode(std::span<const std::uint8_t> payload) override {
    std::vector<std::int16_t> out(8 * 120);  // the longest Opus packet: 120 ms
    const int n = opus_decode(decoder_, payload.data(), static_cast<opus_int32>(payload.size()), out.data(),
                              static_cast<int>(out.size()), 0);
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
    return out;
  }

 private:
  OpusEncoder* encoder_ = nullptr;
  OpusDecoder* decoder_ = nullptr;
};

}  // namespace

std::unique_ptr<AudioCodec> make_codec(std::string_view encoding) {
  auto is = [&](const char* name) {
    return encoding.size() == std::char_traits<char>::length(name) &&
           strncasecmp(encoding.data(), name, encoding.size()) == 0;
  };
  if (is("PCMU")) return std::make_unique<G711Codec>(G711Law::ulaw);
  if (is("PCMA")) return std::make_unique<G711Codec>(G711Law::alaw);
  if (is("G722")) return std::make_unique<G722Codec>();
  if (is("opus")) return std::make_unique<OpusCodec>();
  return nullptr;
}

const std::vector<std::string>& known_codecs() {
  static const std::vector<std::string> names{"PCMU", "PCMA", "G722", "opus"};
  return names;
}

CodedClip encode_clip(AudioCodec& codec, std::span<const std::int16_t> pcm) {
  CodedClip clip;
  std::vector<std::int16_t> frame(kFrameSamples);
  for (std::size_t at = 0; at < pcm.size(); at += kFrameSamples) {
    const std::size_t n = std::min(kFrameSamples, pcm.size() - at);
    std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(at), n, frame.begin());
    std::fill(frame.begin() + static_cast<std::ptrdiff_t>(n), frame.end(), 0);
    const auto coded = codec.encode(frame);
    clip.bytes.insert(clip.bytes.end(), coded.begin(), coded.end());
    clip.ends.push_back(clip.bytes.size());
  }
  return clip;
}

}  // namespace junction::media
