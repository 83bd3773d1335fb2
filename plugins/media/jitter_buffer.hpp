// A jitter buffer for RTP where the server consumes audio (recording, digit detection,
// bridging legs with different codecs): frames are put in as they arrive, in any order, and
// taken out one per frame interval in sequence order. A frame that is missing when its turn
// comes is reported as a gap (to be concealed); one that comes after its turn is dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace junction::media {

class JitterBuffer {
 public:
  struct Frame {
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::vector<std::uint8_t> payload;
  };
  enum class Put {
    stored,
    duplicate,  ///< already held, or already handed out: dropped
    late,       ///< its turn has passed: dropped
    resynced,   ///< far outside the window (a new stream, a restart): buffer restarted with it
  };
  struct Stats {
    std::uint64_t stored = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t late = 0;
    std::uint64_t gaps = 0;  ///< turns with no frame (lost or too late)
    std::uint64_t resyncs = 0;
  };

  /// `depth`: frames held before playout starts, i.e. how late a frame may be. `capacity`:
  /// the window; a sequence number further ahead than that restarts the buffer.
  explicit JitterBuffer(std::size_t depth = 3, std::size_t capacity = 64);

  Put put(std::uint16_t sequence, std::uint32_t timestamp, std::span<const std::uint8_t> payload);

  /// Called once per frame interval. The next frame in sequence; nullopt while filling up at
  /// the start, or for a gap (then the turn passes: a later arrival of it is "late").
  std::optional<Frame> get();

  const Stats& stats() const { return stats_; }
  std::size_t held() const { return held_; }

 private:
  void restart(std::uint16_t sequence);

  std::size_t depth_;
  std::vector<std::optional<Frame>> slots_;  // indexed by sequence % capacity
  bool started_ = false;
  bool playing_ = false;
  std::uint16_t next_ = 0;  // the sequence number whose turn is next
  std::size_t held_ = 0;
  std::size_t empty_turns_ = 0;
  Stats stats_;
};

}  // namespace junction::media
