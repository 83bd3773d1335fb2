#include "music_on_hold.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace junction::media {

namespace {
constexpr std::size_t kFrameSamples = 160;
}

MusicClass::MusicClass(const std::vector<std::int16_t>& pcm, const std::vector<std::string>& encodings)
    : epoch_(std::chrono::steady_clock::now()) {
  if (pcm.empty()) throw std::invalid_argument("music on hold: no audio");
  frames_ = (pcm.size() + kFrameSamples - 1) / kFrameSamples;
  for (const std::string& encoding : encodings)
    if (auto codec = make_codec(encoding)) coded_[encoding] = encode_clip(*codec, pcm);
}

std::span<const std::uint8_t> MusicClass::frame_at(const std::string& encoding,
                                                   std::chrono::steady_clock::time_point now) const {
  auto coded = coded_.find(encoding);
  if (coded == coded_.end()) return {};
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - epoch_).count();
  return coded->second.frame(static_cast<std::size_t>(std::max<std::int64_t>(elapsed, 0) / 20) % frames_);
}

std::vector<std::int16_t> builtin_hold_music() {
  // A pentatonic phrase of soft notes (fundamental plus a quiet octave), each shaped by a
  // quick attack and a long decay, then a rest: about six seconds, looped.
  constexpr double kRate = 8000;
  const double notes[] = {523.25, 659.25, 783.99, 880.00, 783.99, 659.25, 587.33, 523.25,
                          587.33, 659.25, 523.25, 440.00, 392.00, 440.00, 523.25, 0.0};
  const std::size_t note_samples = static_cast<std::size_t>(kRate * 0.375);
  std::vector<std::int16_t> pcm;
  pcm.reserve(std::size(notes) * note_samples);
  for (double frequency : notes) {
    for (std::size_t i = 0; i < note_samples; ++i) {
      const double t = static_cast<double>(i) / kRate;
      const double envelope = std::min(1.0, t / 0.02) * std::exp(-t * 4.0);
      const double wave =
          std::sin(2 * std::numbers::pi * frequency * t) + 0.25 * std::sin(4 * std::numbers::pi * frequency * t);
      pcm.push_back(static_cast<std::int16_t>(frequency > 0 ? 6000.0 * envelope * wave : 0.0));
    }
  }
  return pcm;
}

}  // namespace junction::media
