#include "rtcp_packet.hpp"

#include <algorithm>

namespace junction::media {

namespace {
constexpr std::uint8_t kSenderReport = 200;
constexpr std::uint8_t kReceiverReport = 201;
constexpr std::uint8_t kSourceDescription = 202;

std::uint32_t read32(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint32_t>(p[at]) << 24 | static_cast<std::uint32_t>(p[at + 1]) << 16 |
         static_cast<std::uint32_t>(p[at + 2]) << 8 | p[at + 3];
}

class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) : out_(out) {}
  void u8(std::uint8_t v) {
    if (at_ < out_.size()) out_[at_] = v;
    ++at_;
  }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  std::size_t at() const { return at_; }
  bool fits() const { return at_ <= out_.size(); }
  // Fills in the length (in 32-bit words minus one) of the packet that began at `start`.
  void close(std::size_t start) {
    const auto words = static_cast<std::uint16_t>((at_ - start) / 4 - 1);
    if (start + 3 < out_.size()) {
      out_[start + 2] = static_cast<std::uint8_t>(words >> 8);
      out_[start + 3] = static_cast<std::uint8_t>(words);
    }
  }

 private:
  std::span<std::uint8_t> out_;
  std::size_t at_ = 0;
};
}  // namespace

std::size_t write_rtcp_report(std::uint32_t ssrc, const std::optional<SenderInfo>& sender,
                              const std::optional<ReportBlock>& block, std::string_view cname,
                              std::span<std::uint8_t> out) {
  Writer w(out);
  w.u8(static_cast<std::uint8_t>(0x80 | (block ? 1 : 0)));
  w.u8(sender ? kSenderReport : kReceiverReport);
  w.u16(0);
  w.u32(ssrc);
  if (sender) {
    w.u32(static_cast<std::uint32_t>(sender->ntp >> 32));
    w.u32(static_cast<std::uint32_t>(sender->ntp));
    w.u32(sender->rtp_timestamp);
    w.u32(sender->packets);
    w.u32(sender->octets);
  }
  if (block) {
    w.u32(block->ssrc);
    const auto lost = static_cast<std::uint32_t>(std::clamp(block->cumulative_lost, -0x800000, 0x7fffff)) & 0xffffff;
    w.u32(static_cast<std::uint32_t>(block->fraction_lost) << 24 | lost);
    w.u32(block->highest_sequence);
    w.u32(block->jitter);
    w.u32(block->last_sr);
    w.u32(block->delay_since_last_sr);
  }
  w.close(0);
  // SDES with one chunk: our SSRC, CNAME, the end item, padded to a 32-bit boundary.
  const std::size_t sdes = w.at();
  const std::size_t name_length = std::min<std::size_t>(cname.size(), 255);
  w.u8(0x81);
  w.u8(kSourceDescription);
  w.u16(0);
  w.u32(ssrc);
  w.u8(1);  // CNAME
  w.u8(static_cast<std::uint8_t>(name_length));
  for (std::size_t i = 0; i < name_length; ++i) w.u8(static_cast<std::uint8_t>(cname[i]));
  w.u8(0);  // end of the chunk's items
  while (w.at() % 4) w.u8(0);
  w.close(sdes);
  return w.fits() ? w.at() : 0;
}

std::optional<RtcpReport> parse_rtcp(std::span<const std::uint8_t> p) {
  // RFC 3550 A.2: every packet version 2, the first an SR or RR without padding, the lengths
  // adding up exactly to the datagram.
  if (p.size() < 8 || p.size() % 4 != 0) return std::nullopt;
  if ((p[0] & 0x20) != 0 || (p[1] != kSenderReport && p[1] != kReceiverReport)) return std::nullopt;
  std::size_t at = 0;
  while (at < p.size()) {
    if (p.size() - at < 4 || (p[at] >> 6) != 2) return std::nullopt;
    const std::size_t length = (static_cast<std::size_t>(p[at + 2]) << 8 | p[at + 3]) * 4 + 4;
    if (length > p.size() - at) return std::nullopt;
    at += length;
  }
  const std::size_t first_length = (static_cast<std::size_t>(p[2]) << 8 | p[3]) * 4 + 4;
  const bool sr = p[1] == kSenderReport;
  const std::size_t count = p[0] & 0x1f;
  const std::size_t needed = 8 + (sr ? 20 : 0) + count * 24;
  if (first_length < needed) return std::nullopt;
  RtcpReport report;
  report.ssrc = read32(p, 4);
  std::size_t next = 8;
  if (sr) {
    SenderInfo info;
    info.ntp = static_cast<std::uint64_t>(read32(p, 8)) << 32 | read32(p, 12);
    info.rtp_timestamp = read32(p, 16);
    info.packets = read32(p, 20);
    info.octets = read32(p, 24);
    report.sender = info;
    next = 28;
  }
  for (std::size_t i = 0; i < count; ++i, next += 24) {
    ReportBlock block;
    block.ssrc = read32(p, next);
    const std::uint32_t loss = read32(p, next + 4);
    block.fraction_lost = static_cast<std::uint8_t>(loss >> 24);
    block.cumulative_lost = static_cast<std::int32_t>(loss << 8) >> 8;  // 24-bit signed
    block.highest_sequence = read32(p, next + 8);
    block.jitter = read32(p, next + 12);
    block.last_sr = read32(p, next + 16);
    block.delay_since_last_sr = read32(p, next + 20);
    report.blocks.push_back(block);
  }
  return report;
}

}  // namespace junction::media
