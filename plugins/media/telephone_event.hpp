// DTMF as RTP telephone-events (RFC 4733): each key press is one event, sent as several
// packets that share its RTP timestamp (updates, then the end three times). The detector
// reports each press once, at its first packet, however many packets carry it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace junction::media {

/// The key of a telephone-event payload ('0'-'9', '*', '#', 'A'-'D'), or nullopt for a payload
/// that is too short or an event that is no DTMF key (flash, tones).
std::optional<char> dtmf_key(std::span<const std::uint8_t> payload);

class DtmfDetector {
 public:
  /// A telephone-event packet arrived; returns the key when it starts a new press.
  std::optional<char> on_packet(std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload);

 private:
  std::optional<std::uint32_t> last_event_;  // RTP timestamp of the press last reported
};

}  // namespace junction::media
