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

#include "g711.hpp"

namespace junction::media {

class MusicClass {
 public:
  /// `pcm`: 8 kHz mono, at least one sample.
  explicit MusicClass(std::vector<std::int16_t> pcm);
  /// The 20 ms frame (160 bytes of `law`) the stream plays at `now`.
  std::span<const std::uint8_t> frame_at(G711Law law, std::chrono::steady_clock::time_point now) const;
  std::chrono::milliseconds length() const { return std::chrono::milliseconds(frames_ * 20); }

 private:
  std::vector<std::uint8_t> ulaw_;  // whole frames: the end is filled up with silence
  std::vector<std::uint8_t> alaw_;
  std::size_t frames_ = 0;
  std::chrono::steady_clock::time_point epoch_;
};

using MusicLibrary = std::map<std::string, std::shared_ptr<const MusicClass>, std::less<>>;

/// The built-in "default" class: a short calm tune made at start, so hold music works with no
/// file configured.
std::vector<std::int16_t> builtin_hold_music();

}  // namespace junction::media
