#include "audio_file.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace junction::media {

namespace {
// Files longer than this are refused rather than held in memory (an hour at 48 kHz ≈ 330 MB).
constexpr sf_count_t kMaxFrames = 48000LL * 60 * 30;
}  // namespace

std::vector<std::int16_t> load_audio(const std::filesystem::path& path, unsigned rate) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
  if (info.channels < 1 || info.samplerate < 1 || info.frames < 0 || info.frames > kMaxFrames) {
    sf_close(file);
    throw std::runtime_error(path.string() + ": unusable audio (" + std::to_string(info.channels) + " channels, " +
                             std::to_string(info.samplerate) + " Hz, " + std::to_string(info.frames) + " frames)");
  }
  std::vector<float> interleaved(static_cast<std::size_t>(info.frames) * static_cast<std::size_t>(info.channels));
  const sf_count_t read = sf_readf_float(file, interleaved.data(), info.frames);
  sf_close(file);
  std::vector<float> mono(static_cast<std::size_t>(read));
  for (sf_count_t i = 0; i < read; ++i) {
    float sum = 0;
    for (int c = 0; c < info.channels; ++c) sum += interleaved[static_cast<std::size_t>(i * info.channels + c)];
    mono[static_cast<std::size_t>(i)] = sum / static_cast<float>(info.channels);
  }
  try {
    return to_pcm16(resample(std::move(mono), static_cast<unsigned>(info.samplerate), rate));
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

std::vector<float> resample(std::vector<float> mono, unsigned from, unsigned to) {
  if (from == to || mono.empty()) return mono;
  const double ratio = static_cast<double>(to) / from;
  std::vector<float> resampled(static_cast<std::size_t>(std::ceil(mono.size() * ratio)) + 1);
  SRC_DATA data{};
  data.data_in = mono.data();
  data.input_frames = static_cast<long>(mono.size());
  data.data_out = resampled.data();
  data.output_frames = static_cast<long>(resampled.size());
  data.src_ratio = ratio;
  if (const int rc = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1); rc != 0)
    throw std::runtime_error(std::string("resampling failed: ") + src_strerror(rc));
  resampled.resize(static_cast<std::size_t>(data.output_frames_gen));
  return resampled;
}

std::vector<std::int16_t> to_pcm16(const std::vector<float>& samples) {
  std::vector<std::int16_t> out(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i)
    out[i] = static_cast<std::int16_t>(std::lrint(std::clamp(samples[i], -1.0f, 32767.0f / 32768.0f) * 32768.0f));
  return out;
}

void save_wav(const std::filesystem::path& path, const std::vector<std::int16_t>& samples, unsigned rate,
              unsigned channels) {
  const std::filesystem::path partial = path.string() + ".partial";
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = static_cast<int>(channels);
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(partial.c_str(), SFM_WRITE, &info);
  if (!file) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
  const sf_count_t written = sf_write_short(file, samples.data(), static_cast<sf_count_t>(samples.size()));
  sf_write_sync(file);
  const int closed = sf_close(file);
  std::error_code ec;
  if (written != static_cast<sf_count_t>(samples.size()) || closed != 0) {
    std::filesystem::remove(partial, ec);
    throw std::runtime_error(path.string() + ": could not write the whole recording");
  }
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    throw std::runtime_error(path.string() + ": " + ec.message());
  }
}

}  // namespace junction::media
