// RTCP (RFC 3550 section 6): the sender and receiver reports the server sends next to each RTP
// stream, and strict checking of what arrives on the RTCP port. Only compound packets that
// pass RFC 3550 A.2's validity checks are read; nothing trusts a length it has not checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace junction::media {

/// What a receiver says about one source (RFC 3550 6.4.1).
struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;         ///< since the last report, in 1/256
  std::int32_t cumulative_lost = 0;       ///< 24-bit signed on the wire
  std::uint32_t highest_sequence = 0;     ///< extended: cycles << 16 | sequence
  std::uint32_t jitter = 0;               ///< in RTP timestamp units
  std::uint32_t last_sr = 0;              ///< middle 32 bits of the last SR's NTP time, 0 if none
  std::uint32_t delay_since_last_sr = 0;  ///< in 1/65536 s
};

struct SenderInfo {
  std::uint64_t ntp = 0;  ///< NTP timestamp (seconds since 1900 << 32 | fraction)
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packets = 0;
  std::uint32_t octets = 0;
};

struct RtcpReport {
  std::uint32_t ssrc = 0;            ///< the reporter
  std::optional<SenderInfo> sender;  ///< an SR; nullopt for an RR
  std::vector<ReportBlock> blocks;
};

/// A compound packet: an SR (with `sender`) or an RR, with `block` if any, then an SDES with
/// `cname`. Returns its size, 0 when `out` is too small.
std::size_t write_rtcp_report(std::uint32_t ssrc, const std::optional<SenderInfo>& sender,
                              const std::optional<ReportBlock>& block, std::string_view cname,
                              std::span<std::uint8_t> out);

/// The first report of a valid compound packet (version 2, first an SR or RR without padding,
/// lengths adding up to the datagram); nullopt when it is not valid.
std::optional<RtcpReport> parse_rtcp(std::span<const std::uint8_t> datagram);

/// The middle 32 bits of an NTP timestamp, as last_sr carries them.
constexpr std::uint32_t ntp_middle(std::uint64_t ntp) { return static_cast<std::uint32_t>(ntp >> 16); }

}  // namespace junction::media
