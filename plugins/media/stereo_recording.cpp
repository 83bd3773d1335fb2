#include "stereo_recording.hpp"

#include <algorithm>

namespace junction::media {

namespace {
constexpr std::int64_t kRate = 8000;
// Further than this from where the arrival time puts a packet, its timestamps are a new stream.
constexpr std::int64_t kResync = kRate;
}  // namespace

StereoRecording::StereoRecording(Clock::time_point start, std::chrono::seconds max_length)
    : start_(start), max_samples_(static_cast<std::size_t>(max_length.count() * kRate)) {}

void StereoRecording::feed(int side, std::uint32_t timestamp, std::span<const std::int16_t> pcm,
                           Clock::time_point arrival, std::uint32_t units_per_sample) {
  if (side < 0 || side > 1 || pcm.empty() || units_per_sample == 0) return;
  Track& track = tracks_[static_cast<std::size_t>(side)];
  const std::int64_t arrived =
      std::chrono::duration_cast<std::chrono::microseconds>(arrival - start_).count() * kRate / 1000000;
  std::int64_t position = track.origin + static_cast<std::int32_t>(timestamp - track.first) / units_per_sample;
  if (!track.started || position < arrived - kResync || position > arrived + kResync) {
    track.started = true;
    track.first = timestamp;
    track.origin = std::max<std::int64_t>(arrived - static_cast<std::int64_t>(pcm.size()), 0);
    position = track.origin;
  }
  if (position < 0 || static_cast<std::size_t>(position) + pcm.size() > max_samples_) return;
  const auto at = static_cast<std::size_t>(position);
  if (track.samples.size() < at + pcm.size()) track.samples.resize(at + pcm.size(), 0);
  std::copy(pcm.begin(), pcm.end(), track.samples.begin() + static_cast<std::ptrdiff_t>(at));
}

std::vector<std::int16_t> StereoRecording::interleaved() const {
  const std::size_t frames = std::max(tracks_[0].samples.size(), tracks_[1].samples.size());
  std::vector<std::int16_t> out(frames * 2, 0);
  for (std::size_t side = 0; side < 2; ++side)
    for (std::size_t i = 0; i < tracks_[side].samples.size(); ++i) out[i * 2 + side] = tracks_[side].samples[i];
  return out;
}

std::chrono::milliseconds StereoRecording::length() const {
  const std::size_t frames = std::max(tracks_[0].samples.size(), tracks_[1].samples.size());
  return std::chrono::milliseconds(static_cast<std::int64_t>(frames) * 1000 / kRate);
}

}  // namespace junction::media
