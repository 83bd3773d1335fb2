// Recording what a caller says: RTP frames in (any order), one packet's turn at a time out of a
// jitter buffer, decoded to 8 kHz PCM; gaps become silence. It knows when to stop by itself
// (maximum length, a stretch of silence); a key press is the caller's to handle. No threads
// here: the media thread feeds it and ticks it.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include <memory>

#include "audio_codec.hpp"
#include "jitter_buffer.hpp"

namespace junction::media {

class Recorder {
 public:
  struct Limits {
    std::chrono::milliseconds max_length{60000};
    std::chrono::milliseconds silence{0};  ///< stop after this much silence once speech began; 0: never
    int silence_level = 500;               ///< mean absolute amplitude below which a frame is silent
  };
  enum class Stop { running, max_length, silence };

  /// `codec` decodes the recorded stream's payloads.
  Recorder(std::unique_ptr<AudioCodec> codec, Limits limits) : codec_(std::move(codec)), limits_(limits) {}

  /// An audio packet of the recorded stream arrived.
  void feed(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload);
  /// One turn of one packet's length: appends its audio (or silence for a gap) and says
  /// whether to stop.
  Stop tick();
  /// How long a turn is: the duration of the stream's packets (20 ms until one arrived).
  std::chrono::milliseconds turn() const { return std::chrono::milliseconds(packet_samples_ / 8); }
  /// The recording so far; with trailing silence cut when it stopped on silence.
  const std::vector<std::int16_t>& samples() const { return samples_; }
  std::chrono::milliseconds length() const { return std::chrono::milliseconds(samples_.size() / 8); }

 private:
  std::unique_ptr<AudioCodec> codec_;
  Limits limits_;
  JitterBuffer buffer_{3};
  std::vector<std::int16_t> samples_;
  bool heard_speech_ = false;
  std::size_t silent_samples_ = 0;    // at the end of samples_
  std::size_t packet_samples_ = 160;  // of the stream's packets (phones use 10-60 ms), at 8 kHz
};

}  // namespace junction::media
