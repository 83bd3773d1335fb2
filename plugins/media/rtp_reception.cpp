#include "rtp_reception.hpp"

#include <algorithm>
#include <cstdlib>

namespace junction::media {

namespace {
constexpr std::uint16_t kMaxDropout = 3000;  // RFC 3550 A.1
constexpr std::uint16_t kMaxMisorder = 100;
}  // namespace

void RtpReception::restart(std::uint16_t sequence) {
  started_ = true;
  max_sequence_ = sequence;
  cycles_ = 0;
  base_ = sequence;
  received_ = 0;
  expected_prior_ = 0;
  received_prior_ = 0;
}

void RtpReception::on_packet(std::uint16_t sequence, std::uint32_t timestamp, std::uint32_t arrival) {
  if (!started_) restart(sequence);
  const auto delta = static_cast<std::uint16_t>(sequence - max_sequence_);
  if (delta < kMaxDropout) {
    if (sequence < max_sequence_) cycles_ += 65536;  // wrapped
    max_sequence_ = sequence;
  } else if (delta <= 65535 - kMaxMisorder) {
    restart(sequence);  // a jump: the source restarted its numbering
  }                     // else: a duplicate or a late packet, counted below
  ++received_;
  const auto transit = static_cast<std::int32_t>(arrival - timestamp);
  if (have_transit_) {
    const double d = std::abs(static_cast<double>(transit) - transit_);
    jitter_ += (d - jitter_) / 16.0;
  }
  transit_ = transit;
  have_transit_ = true;
}

std::int64_t RtpReception::lost() const {
  if (!started_) return 0;
  const std::int64_t expected = static_cast<std::int64_t>(extended_max()) - base_ + 1;
  return expected - received_;
}

ReportBlock RtpReception::report(std::uint32_t ssrc) {
  ReportBlock block;
  block.ssrc = ssrc;
  if (!started_) return block;
  const std::uint32_t expected = extended_max() - base_ + 1;
  const std::uint32_t expected_interval = expected - expected_prior_;
  const std::uint32_t received_interval = received_ - received_prior_;
  expected_prior_ = expected;
  received_prior_ = received_;
  const std::int64_t lost_interval = static_cast<std::int64_t>(expected_interval) - received_interval;
  block.fraction_lost =
      expected_interval == 0 || lost_interval <= 0
          ? 0
          : static_cast<std::uint8_t>(std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
  block.cumulative_lost = static_cast<std::int32_t>(std::clamp<std::int64_t>(lost(), -0x800000, 0x7fffff));
  block.highest_sequence = extended_max();
  block.jitter = jitter();
  return block;
}

}  // namespace junction::media
