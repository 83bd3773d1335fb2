#include "rtp_packet.hpp"

#include <cstring>

namespace junction::media {

std::string_view to_string(RtpProblem problem) {
  switch (problem) {
    case RtpProblem::none:
      return "none";
    case RtpProblem::too_short:
      return "too_short";
    case RtpProblem::bad_version:
      return "bad_version";
    case RtpProblem::bad_padding:
      return "bad_padding";
    case RtpProblem::rtcp:
      return "rtcp";
    case RtpProblem::empty_payload:
      return "empty_payload";
  }
  return "unknown";
}

namespace {
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
}  // namespace

RtpProblem parse_rtp(std::span<const std::uint8_t> data, RtpPacket& out) {
  if (data.size() < kRtpHeaderSize) return RtpProblem::too_short;
  const std::uint8_t first = data[0];
  if ((first >> 6) != 2) return RtpProblem::bad_version;
  const std::uint8_t type = data[1] & 0x7f;
  if (type >= 72 && type <= 76) return RtpProblem::rtcp;
  std::size_t offset = kRtpHeaderSize + 4u * (first & 0x0f);  // CSRC list
  if (data.size() < offset) return RtpProblem::too_short;
  if (first & 0x10) {  // header extension: 16-bit profile, 16-bit length in 32-bit words
    if (data.size() < offset + 4) return RtpProblem::too_short;
    offset += 4 + 4u * be16(&data[offset + 2]);
    if (data.size() < offset) return RtpProblem::too_short;
  }
  std::size_t end = data.size();
  if (first & 0x20) {  // padding: the last byte counts the padding bytes, itself included
    const std::uint8_t padding = data[end - 1];
    if (padding == 0 || padding > end - offset) return RtpProblem::bad_padding;
    end -= padding;
  }
  if (end == offset) return RtpProblem::empty_payload;
  out.header.payload_type = type;
  out.header.marker = (data[1] & 0x80) != 0;
  out.header.sequence = be16(&data[2]);
  out.header.timestamp = be32(&data[4]);
  out.header.ssrc = be32(&data[8]);
  out.payload = data.subspan(offset, end - offset);
  return RtpProblem::none;
}

std::size_t write_rtp(const RtpHeader& h, std::span<const std::uint8_t> payload, std::span<std::uint8_t> out) {
  const std::size_t size = kRtpHeaderSize + payload.size();
  if (out.size() < size) return 0;
  out[0] = 0x80;  // version 2, no padding, no extension, no CSRC
  out[1] = static_cast<std::uint8_t>((h.marker ? 0x80 : 0) | (h.payload_type & 0x7f));
  out[2] = static_cast<std::uint8_t>(h.sequence >> 8);
  out[3] = static_cast<std::uint8_t>(h.sequence);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<std::uint8_t>(h.timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<std::uint8_t>(h.ssrc >> (24 - 8 * i));
  }
  if (!payload.empty()) std::memcpy(&out[kRtpHeaderSize], payload.data(), payload.size());
  return size;
}

}  // namespace junction::media
