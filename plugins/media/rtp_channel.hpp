// One RTP endpoint of the server: a UDP socket on an even port of the media range and its RTCP
// socket on the next, served by a media thread (an asio io_context). It checks every datagram
// before trusting it (counting what it drops, by reason), locks onto one sender (SSRC) and
// sends to where that sender really is (symmetric RTP, for phones behind NAT), sends frames
// paced by a steady clock, and reports on both directions in RTCP (RFC 3550: an SR while it
// sends, an RR otherwise, about every `rtcp_interval`), reading the far end's reports.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/asio.hpp"
#include "media_clock.hpp"
#include "rtp_packet.hpp"
#include "rtp_reception.hpp"

namespace junction::media {

struct PortRange {
  std::uint16_t first = 20000;
  std::uint16_t last = 29999;
};

class RtpChannel : public std::enable_shared_from_this<RtpChannel> {
 public:
  using Endpoint = asio::ip::udp::endpoint;
  /// Receives each accepted packet's header and payload, on the media thread.
  using Receiver = std::function<void(const RtpHeader&, std::span<const std::uint8_t>)>;
  /// Gives the next frame to send, or an empty span when there is nothing more (pacing stops).
  /// The bytes must stay valid until the source is called again: the channel sends them at
  /// once, without copying (a clip's or a music class's frames, shared by every listener).
  using FrameSource = std::function<std::span<const std::uint8_t>()>;

  struct Stats {
    std::atomic<std::uint64_t> received{0};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> malformed{0};      ///< not RTP we accept (see RtpProblem)
    std::atomic<std::uint64_t> wrong_payload{0};  ///< a payload type not negotiated
    std::atomic<std::uint64_t> wrong_ssrc{0};     ///< another sender while ours is active
    std::atomic<std::uint64_t> wrong_source{0};   ///< from another address than the one latched
    std::atomic<std::uint64_t> latched{0};        ///< times the send address followed the sender
    std::atomic<std::uint64_t> lost{0};           ///< packets of the far end's stream that never came
    std::atomic<std::uint32_t> jitter_us{0};      ///< its interarrival jitter
    std::atomic<std::uint64_t> rtcp_sent{0};
    std::atomic<std::uint64_t> rtcp_received{0};  ///< valid reports from the far end
    std::atomic<std::uint64_t> rtcp_dropped{0};   ///< invalid, or from someone else
    std::atomic<std::uint32_t> round_trip_us{0};  ///< from its last report on our stream; 0: none yet
    std::atomic<std::int32_t> far_end_lost{0};    ///< of our packets, as its last report says
  };

  /// Binds `address` at an even port of `range` and the next for RTCP (tried from a random place
  /// on). Throws std::runtime_error naming the range when no pair is free.
  /// With a `clock`, frames paced at its period are sent on its ticks (see MediaClock).
  static std::shared_ptr<RtpChannel> open(asio::io_context& io, const std::string& address, PortRange range,
                                          MediaClock* clock = nullptr);

  std::uint16_t port() const { return port_; }
  /// Where to send, from the far end's SDP; `payload_types` are those it may send us. A new SDP
  /// (a re-INVITE) lets the channel latch afresh.
  /// `clock_rate`: the RTP clock of the codec (for jitter and sender reports). RTCP goes to the
  /// next port up, or to where the far end's reports come from.
  void set_remote(const Endpoint& remote, std::uint8_t send_payload_type, std::vector<std::uint8_t> payload_types,
                  unsigned clock_rate = 8000);
  /// How often to report (randomised by ±50 %, RFC 3550 6.2); before start(). 0: never.
  void set_rtcp_interval(std::chrono::milliseconds interval) { rtcp_interval_ = interval; }
  void on_receive(Receiver receiver) { receiver_ = std::move(receiver); }
  /// Starts receiving (call once, from any thread: it is posted to the media thread).
  void start();
  /// Stops receiving and sending and closes the socket (posted to the media thread).
  void close();
  /// Sends a frame every `interval` from `source` until it runs dry or close(); `samples` per
  /// frame advance the RTP timestamp. Deadlines are absolute, so late wake-ups do not drift.
  void pace(std::chrono::milliseconds interval, std::uint32_t samples, FrameSource source);
  /// Sends one frame now, stamped by our own clock: media thread only, for what a relay
  /// transcoded.
  void send_now(std::span<const std::uint8_t> payload, std::uint32_t samples) {
    if (!closed_) send_frame(payload, samples);
  }
  /// Sends what another channel received as `payload_type`, keeping the sender's timing: our
  /// timestamps move as its do (silence gaps, the one timestamp of an RFC 4733 event). Media
  /// thread only. `units`: how far the payload advances the stream.
  void relay(const RtpHeader& their, std::span<const std::uint8_t> payload, std::uint8_t payload_type,
             std::uint32_t units);
  /// Stops what pace() started (posted to the media thread); the source is not asked again.
  void stop_pacing();

  const Stats& stats() const { return stats_; }
  /// Keeps `owner` (what owns the io_context) alive as long as this channel: closures holding
  /// the channel may outlive the plugin's stop.
  void keep_alive(std::shared_ptr<void> owner) { owner_ = std::move(owner); }

 private:
  RtpChannel(asio::io_context& io, asio::ip::udp::socket socket, asio::ip::udp::socket rtcp_socket, std::uint16_t port,
             MediaClock* clock);
  void receive();
  void accept(std::size_t size);
  void receive_rtcp();
  void accept_rtcp(std::size_t size);
  void schedule_report();
  void send_report();
  std::uint32_t now_in_clock_units() const;
  void send_frame(std::span<const std::uint8_t> payload, std::uint32_t samples);
  void transmit(const RtpHeader& header, std::span<const std::uint8_t> payload);
  void tick(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds interval, std::uint32_t samples,
            std::shared_ptr<FrameSource> source, std::uint64_t run);

  std::shared_ptr<void> owner_;  // first member: destroyed last, after the socket and timers
  asio::io_context& io_;
  asio::ip::udp::socket socket_;
  asio::ip::udp::socket rtcp_socket_;
  asio::steady_timer pacer_;
  asio::steady_timer reporter_;
  MediaClock* clock_;
  std::uint16_t port_;
  std::array<std::uint8_t, 2048> in_{};
  std::array<std::uint8_t, 2048> out_{};
  Endpoint sender_;  // of the datagram being received
  Endpoint remote_;  // where we send
  bool latched_ = false;
  std::uint8_t send_type_ = 0;
  std::vector<std::uint8_t> accepted_types_;
  std::optional<std::uint32_t> their_ssrc_;
  std::chrono::steady_clock::time_point their_last_{};
  std::uint32_t our_ssrc_;
  std::uint16_t sequence_;
  std::uint32_t timestamp_;
  bool first_frame_ = true;
  bool closed_ = false;
  std::uint64_t pacing_run_ = 0;               // each pace() or stop_pacing() starts a new run; old ticks stop
  std::optional<std::uint32_t> relayed_ssrc_;  // whose timing relay() follows
  std::uint32_t relay_offset_ = 0;             // our timestamp minus theirs
  // RTCP
  std::array<std::uint8_t, 1500> rtcp_in_{};
  Endpoint rtcp_sender_;
  Endpoint rtcp_remote_;
  bool rtcp_latched_ = false;
  std::chrono::milliseconds rtcp_interval_{5000};
  unsigned clock_rate_ = 8000;
  RtpReception reception_;
  std::uint32_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;
  bool sent_since_report_ = false;
  std::uint32_t their_last_sr_ = 0;  // middle 32 bits of their last SR's NTP time
  std::chrono::steady_clock::time_point their_last_sr_at_{};
  std::string cname_;
  Receiver receiver_;
  Stats stats_;
};

}  // namespace junction::media
