// RTP packets (RFC 3550 section 5.1): strict parsing of what arrives from the network and
// writing of what we send. Nothing here trusts a length field it has not checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace junction::media {

struct RtpHeader {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

/// Why a datagram is not an RTP packet we accept. Counted per reason by the engine.
enum class RtpProblem {
  none,
  too_short,      ///< shorter than its fixed header, CSRC list or extension says
  bad_version,    ///< not version 2
  bad_padding,    ///< padding count of 0 or longer than the payload
  rtcp,           ///< payload type 72-76: RTCP multiplexed on the RTP port (RFC 5761)
  empty_payload,  ///< nothing after the headers
};

std::string_view to_string(RtpProblem problem);

struct RtpPacket {
  RtpHeader header;
  std::span<const std::uint8_t> payload;  ///< points into the datagram parsed
};

/// Parses `datagram`; on success `out.payload` points into it (CSRCs, extension and padding
/// skipped). Returns why it was refused otherwise.
RtpProblem parse_rtp(std::span<const std::uint8_t> datagram, RtpPacket& out);

/// Writes a 12-byte header and `payload` into `out`. Returns the packet's size, or 0 when
/// `out` is too small.
std::size_t write_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload, std::span<std::uint8_t> out);

inline constexpr std::size_t kRtpHeaderSize = 12;

}  // namespace junction::media
