// What the server knows about a stream it receives, for its RTCP receiver reports (RFC 3550
// A.1 sequence tracking, A.3 loss, A.8 interarrival jitter). No threads: the media thread feeds it.
#pragma once

#include <cstdint>

#include "rtcp_packet.hpp"

namespace junction::media {

class RtpReception {
 public:
  /// An accepted packet; `arrival` is when it came, in the stream's timestamp units.
  void on_packet(std::uint16_t sequence, std::uint32_t timestamp, std::uint32_t arrival);
  /// The report block about `ssrc` now. The fraction lost counts since the previous report.
  ReportBlock report(std::uint32_t ssrc);
  bool started() const { return started_; }
  std::uint32_t received() const { return received_; }
  /// Packets expected (from the sequence numbers) but not received; negative with duplicates.
  std::int64_t lost() const;
  /// Interarrival jitter in timestamp units.
  std::uint32_t jitter() const { return static_cast<std::uint32_t>(jitter_); }

 private:
  void restart(std::uint16_t sequence);
  std::uint32_t extended_max() const { return cycles_ + max_sequence_; }

  bool started_ = false;
  std::uint16_t max_sequence_ = 0;
  std::uint32_t cycles_ = 0;  // in units of 65536
  std::uint32_t base_ = 0;
  std::uint32_t received_ = 0;
  std::uint32_t expected_prior_ = 0;
  std::uint32_t received_prior_ = 0;
  bool have_transit_ = false;
  std::int32_t transit_ = 0;
  double jitter_ = 0;
};

}  // namespace junction::media
