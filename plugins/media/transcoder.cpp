#include "transcoder.hpp"

namespace junction::media {

namespace {
constexpr std::size_t kFrameSamples = 160;
}

Transcoder::Transcoder(std::unique_ptr<AudioCodec> from, std::unique_ptr<AudioCodec> to)
    : from_(std::move(from)), to_(std::move(to)) {}

void Transcoder::feed(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload) {
  buffer_.put(sequence, timestamp, payload);
}

std::vector<std::vector<std::uint8_t>> Transcoder::tick() {
  std::vector<std::vector<std::uint8_t>> out;
  auto packet = buffer_.get();
  if (!packet && !started_) return out;  // not begun, or filling the buffer
  started_ = true;
  std::vector<std::int16_t> pcm;
  if (packet) {
    pcm = from_->decode(packet->payload);
    // 10-60 ms packets set the turn; other lengths (garbage, or a peer's games) do not.
    if (pcm.size() >= 80 && pcm.size() <= 480) packet_samples_ = pcm.size();
  }
  pcm.resize(packet_samples_, 0);  // a gap (or a short packet): silence fills the turn
  pending_.insert(pending_.end(), pcm.begin(), pcm.end());
  std::size_t used = 0;
  for (; pending_.size() - used >= kFrameSamples; used += kFrameSamples)
    out.push_back(to_->encode(std::span<const std::int16_t>(pending_).subspan(used, kFrameSamples)));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  return out;
}

}  // namespace junction::media
