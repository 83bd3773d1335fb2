#include "recorder.hpp"

#include <cstdlib>

namespace junction::media {

void Recorder::feed(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload) {
  buffer_.put(sequence, timestamp, payload);
}

Recorder::Stop Recorder::tick() {
  std::vector<std::int16_t> frame;
  auto packet = buffer_.get();
  if (!packet && samples_.empty()) return Stop::running;  // the stream has not begun (or fills the buffer)
  if (packet) {
    frame = codec_->decode(packet->payload);
    // 10-60 ms packets set the turn; other lengths (garbage, or a peer's games) do not.
    if (frame.size() >= 80 && frame.size() <= 480) packet_samples_ = frame.size();
  }
  frame.resize(packet_samples_, 0);  // a gap (or a short packet): silence fills the turn
  long sum = 0;
  for (std::int16_t s : frame) sum += std::abs(static_cast<int>(s));
  const bool silent = sum / static_cast<long>(frame.size()) < limits_.silence_level;
  samples_.insert(samples_.end(), frame.begin(), frame.end());
  if (silent) {
    silent_samples_ += frame.size();
  } else {
    silent_samples_ = 0;
    heard_speech_ = true;
  }
  if (limits_.silence.count() > 0 && heard_speech_ &&
      std::chrono::milliseconds(silent_samples_ / 8) >= limits_.silence) {
    samples_.resize(samples_.size() - silent_samples_);  // nobody wants the silence that ended it
    return Stop::silence;
  }
  if (length() >= limits_.max_length) return Stop::max_length;
  return Stop::running;
}

}  // namespace junction::media
