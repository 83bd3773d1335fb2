#include "jitter_buffer.hpp"

namespace junction::media {

JitterBuffer::JitterBuffer(std::size_t depth, std::size_t capacity)
    : depth_(depth == 0 ? 1 : depth), slots_(capacity < depth_ * 2 ? depth_ * 2 : capacity) {}

void JitterBuffer::restart(std::uint16_t sequence) {
  for (auto& slot : slots_) slot.reset();
  held_ = 0;
  next_ = sequence;
  started_ = true;
  playing_ = false;
  empty_turns_ = 0;
}

JitterBuffer::Put JitterBuffer::put(std::uint16_t sequence, std::uint32_t timestamp,
                                    std::span<const std::uint8_t> payload) {
  if (!started_) restart(sequence);
  // Distance from the next turn, in sequence space (wraps at 65536).
  const auto ahead = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - next_));
  Put result = Put::stored;
  if (ahead < 0) {
    if (-ahead <= static_cast<int>(slots_.size())) {
      ++stats_.late;
      return Put::late;
    }
    restart(sequence);  // far behind: the sender started again
    ++stats_.resyncs;
    result = Put::resynced;
  } else if (static_cast<std::size_t>(ahead) >= slots_.size()) {
    restart(sequence);  // far ahead: a jump we cannot bridge
    ++stats_.resyncs;
    result = Put::resynced;
  }
  auto& slot = slots_[sequence % slots_.size()];
  if (slot && slot->sequence == sequence) {
    ++stats_.duplicates;
    return Put::duplicate;
  }
  slot = Frame{sequence, timestamp, {payload.begin(), payload.end()}};
  ++held_;
  ++stats_.stored;
  return result;
}

std::optional<JitterBuffer::Frame> JitterBuffer::get() {
  if (!started_) return std::nullopt;
  if (!playing_) {
    if (held_ < depth_) return std::nullopt;  // filling up
    playing_ = true;
  }
  auto& slot = slots_[next_ % slots_.size()];
  std::optional<Frame> out;
  if (slot && slot->sequence == next_) {
    out = std::move(slot);
    slot.reset();
    --held_;
    empty_turns_ = 0;
  } else {
    ++stats_.gaps;
    // Nothing held for a whole depth of turns: the sender paused (silence suppression, hold).
    // Start afresh with whatever comes next (its sequence number continues where the sender
    // stopped, which our turns have overtaken meanwhile) rather than calling it late.
    if (held_ == 0 && ++empty_turns_ >= depth_) {
      started_ = false;
      return out;
    }
  }
  ++next_;
  return out;
}

}  // namespace junction::media
