// The codecs a leg may use, behind one interface. The rest of the plugin works in 8 kHz mono
// PCM, 20 ms (160 samples) at a time, and lets each leg's codec turn that into payloads and
// back: G.711 µ-law and A-law, G.722 (spandsp, fed 8 kHz) and Opus (libopus at 8 kHz). Each
// codec object has state of its own (G.722 and Opus predict from what came before): one per
// direction of a leg. No spandsp or opus header here.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace junction::media {

class AudioCodec {
 public:
  virtual ~AudioCodec() = default;
  /// RTP timestamp units in 20 ms: 160 (G.711; G.722 by RFC 3551's 8000 clock), 960 (Opus).
  virtual std::uint32_t units_per_frame() const = 0;
  /// 160 samples of 8 kHz PCM -> one payload.
  virtual std::vector<std::uint8_t> encode(std::span<const std::int16_t> frame) = 0;
  /// One payload -> the 8 kHz PCM it carries (empty when it is not valid for the codec).
  virtual std::vector<std::int16_t> decode(std::span<const std::uint8_t> payload) = 0;
  /// RTP timestamp units a payload covers (without decoding it).
  virtual std::uint32_t units_in(std::span<const std::uint8_t> payload) const = 0;
  /// RTP timestamp units per 8 kHz sample (1, or 6 for Opus's 48 kHz clock).
  std::uint32_t units_per_sample() const { return units_per_frame() / 160; }
};

/// A fresh codec for an SDP encoding name ("PCMU", "PCMA", "G722", "opus"; any case).
/// nullptr when the plugin does not have it.
std::unique_ptr<AudioCodec> make_codec(std::string_view encoding);

/// The encoding names make_codec knows, as config spells them.
const std::vector<std::string>& known_codecs();

/// Audio coded in 20 ms frames, back to back.
struct CodedClip {
  std::vector<std::uint8_t> bytes;
  std::vector<std::size_t> ends;  ///< frame i is bytes[ends[i-1] (0 for the first), ends[i])
  std::size_t frames() const { return ends.size(); }
  std::span<const std::uint8_t> frame(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::span<const std::uint8_t>(bytes).subspan(begin, ends[i] - begin);
  }
};

/// `pcm` (8 kHz) coded with `codec`, the last frame filled up with silence.
CodedClip encode_clip(AudioCodec& codec, std::span<const std::int16_t> pcm);

}  // namespace junction::media
