// One direction of a relay between legs with different codecs: packets go in as they arrive
// (any order) through a jitter buffer and come out one packet's turn at a time, decoded (a
// gap becomes silence), re-framed into 20 ms and encoded for the other leg. No threads here:
// the media thread feeds it and ticks it every turn().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "audio_codec.hpp"
#include "jitter_buffer.hpp"

namespace junction::media {

class Transcoder {
 public:
  Transcoder(std::unique_ptr<AudioCodec> from, std::unique_ptr<AudioCodec> to);

  /// A packet of the incoming leg's codec.
  void feed(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload);
  /// One turn: the next packet in order decoded (or silence for a gap, once the stream has
  /// begun); returns the 20 ms payloads for the other leg that are now complete.
  std::vector<std::vector<std::uint8_t>> tick();
  /// The incoming packets' duration (20 ms until one was decoded).
  std::chrono::milliseconds turn() const { return std::chrono::milliseconds(packet_samples_ / 8); }
  /// RTP timestamp units of each payload tick() returns.
  std::uint32_t units_per_frame() const { return to_->units_per_frame(); }
  const JitterBuffer::Stats& stats() const { return buffer_.stats(); }

 private:
  std::unique_ptr<AudioCodec> from_;
  std::unique_ptr<AudioCodec> to_;
  JitterBuffer buffer_{3};
  std::vector<std::int16_t> pending_;  // decoded, not yet a whole 20 ms frame
  std::size_t packet_samples_ = 160;   // at 8 kHz
  bool started_ = false;
};

}  // namespace junction::media
