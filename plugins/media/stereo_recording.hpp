// A bridged call recorded in stereo (record_call): the caller on the left, the callee on the
// right. Each side's audio is placed by its RTP timestamps, anchored to when its first packet
// arrived, so reordered or duplicated packets land where they belong and both sides stay in
// step; a side whose timestamps jump (a new stream after a re-INVITE) is anchored afresh.
// No threads here: the media thread feeds it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace junction::media {

class StereoRecording {
 public:
  using Clock = std::chrono::steady_clock;
  StereoRecording(Clock::time_point start, std::chrono::seconds max_length);

  /// 8 kHz samples of `side` (0 caller, 1 callee) from a packet with RTP `timestamp`, whose
  /// clock has `units_per_sample` units per 8 kHz sample (6 for Opus).
  void feed(int side, std::uint32_t timestamp, std::span<const std::int16_t> pcm, Clock::time_point arrival,
            std::uint32_t units_per_sample = 1);
  /// Left and right interleaved, as long as the longer side.
  std::vector<std::int16_t> interleaved() const;
  std::chrono::milliseconds length() const;

 private:
  struct Track {
    bool started = false;
    std::int64_t origin = 0;  // where timestamp `first` sits, in samples since the start
    std::uint32_t first = 0;
    std::vector<std::int16_t> samples;
  };
  Clock::time_point start_;
  std::size_t max_samples_;
  std::array<Track, 2> tracks_;
};

}  // namespace junction::media
