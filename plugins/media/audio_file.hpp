// Audio files for playback: any format libsndfile reads (WAV above all), mixed down to mono and
// resampled (libsamplerate) to the rate a codec needs. Blocking: run it on a worker.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace junction::media {

/// 16-bit mono samples at `rate` Hz. Throws std::runtime_error naming the file and the problem.
std::vector<std::int16_t> load_audio(const std::filesystem::path& path, unsigned rate);

/// `mono` samples (float, -1..1) from `from` Hz to `to` Hz with libsamplerate. Throws
/// std::runtime_error when it fails.
std::vector<float> resample(std::vector<float> mono, unsigned from, unsigned to);

/// Float samples to 16-bit, clipped.
std::vector<std::int16_t> to_pcm16(const std::vector<float>& samples);

/// Writes a 16-bit WAV file (mono, or `channels` interleaved), completely or not at all (a temporary file renamed into
/// place). Throws std::runtime_error naming the file and the problem.
void save_wav(const std::filesystem::path& path, const std::vector<std::int16_t>& samples, unsigned rate,
              unsigned channels = 1);

}  // namespace junction::media
