// Music on hold: each class is decoded once and played as one shared stream. Every listener
// gets the frame that is current on the class's own clock, so a thousand held parties cost
// one decoded copy and nothing per listener beyond its channel.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio_codec.hpp"

namespace junction::media {

class MusicClass {
 public:
  /// `pcm`: 8 kHz mono, at least one sample; coded once in each of `encodings`.
  MusicClass(const std::vector<std::int16_t>& pcm, const std::vector<std::string>& encodings);
  /// The 20 ms frame in `encoding` the stream plays at `now` (empty for an encoding it lacks).
  std::span<const std::uint8_t> frame_at(const std::string& encoding, std::chrono::steady_clock::time_point now) const;
  std::chrono::milliseconds length() const { return std::chrono::milliseconds(frames_ * 20); }

 private:
  std::map<std::string, CodedClip> coded_;  // whole frames: the end is filled up with silence
  std::size_t frames_ = 0;
  std::chrono::steady_clock::time_point epoch_;
};

using MusicLibrary = std::map<std::string, std::shared_ptr<const MusicClass>, std::less<>>;

/// The built-in "default" class: a short calm tune made at start, so hold music works with no
/// file configured.
std::vector<std::int16_t> builtin_hold_music();

}  // namespace junction::media
