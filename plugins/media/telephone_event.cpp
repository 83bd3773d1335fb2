#include "telephone_event.hpp"

namespace junction::media {

std::optional<char> dtmf_key(std::span<const std::uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  const std::uint8_t event = payload[0];
  if (event <= 9) return static_cast<char>('0' + event);
  if (event == 10) return '*';
  if (event == 11) return '#';
  if (event <= 15) return static_cast<char>('A' + (event - 12));
  return std::nullopt;
}

std::optional<char> DtmfDetector::on_packet(std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload) {
  const auto key = dtmf_key(payload);
  if (!key) return std::nullopt;
  // A press not newer than the last reported one is a repeat, or a late packet of an earlier
  // press overtaken by the next (RTP timestamps compared in serial arithmetic, they wrap).
  if (last_event_ && static_cast<std::int32_t>(rtp_timestamp - *last_event_) <= 0) return std::nullopt;
  last_event_ = rtp_timestamp;
  return key;
}

}  // namespace junction::media
