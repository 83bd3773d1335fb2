#include "rtp_channel.hpp"

#include <algorithm>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace junction::media {

namespace {
std::uint32_t random32() {
  static thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint32_t>(generator());
}

// Another SSRC is taken over only once ours has been silent this long (a re-INVITE, a phone
// restarting its stream); before that its packets are someone else's and dropped.
constexpr auto kSsrcTakeover = std::chrono::seconds(2);
}  // namespace

std::shared_ptr<RtpChannel> RtpChannel::open(asio::io_context& io, const std::string& address, PortRange range,
                                             MediaClock* clock) {
  const auto ip = asio::ip::make_address(address);
  const std::uint32_t first = range.first + (range.first & 1u);  // RTP on even ports (RFC 3550 11)
  if (range.last < first + 1) throw std::runtime_error("media: port range has no even port with one above it");
  const std::uint32_t count = (range.last - first - 1) / 2 + 1;  // RTP p and RTCP p + 1 both in range
  const std::uint32_t start = random32() % count;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto port = static_cast<std::uint16_t>(first + 2 * ((start + i) % count));
    asio::ip::udp::socket socket(io);
    asio::ip::udp::socket rtcp(io);
    boost::system::error_code ec;
    const auto family = ip.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6();
    socket.open(family, ec);
    if (!ec) rtcp.open(family, ec);
    if (ec) throw std::runtime_error("media: cannot open a UDP socket: " + ec.message());
    socket.bind({ip, port}, ec);
    if (ec) continue;
    rtcp.bind({ip, static_cast<std::uint16_t>(port + 1)}, ec);  // RTCP on the next port (RFC 3550 11)
    if (!ec) return std::shared_ptr<RtpChannel>(new RtpChannel(io, std::move(socket), std::move(rtcp), port, clock));
  }
  throw std::runtime_error("media: no free port in " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                           " on " + address);
}

RtpChannel::RtpChannel(asio::io_context& io, asio::ip::udp::socket socket, asio::ip::udp::socket rtcp_socket,
                       std::uint16_t port, MediaClock* clock)
    : io_(io),
      socket_(std::move(socket)),
      rtcp_socket_(std::move(rtcp_socket)),
      pacer_(io),
      reporter_(io),
      clock_(clock),
      port_(port),
      our_ssrc_(random32()),
      sequence_(static_cast<std::uint16_t>(random32())),
      timestamp_(random32()) {
  // RFC 7022: a CNAME of its own per stream, so nothing about the host is given away.
  char cname[32];
  std::snprintf(cname, sizeof cname, "junction-%08x%08x", random32(), random32());
  cname_ = cname;
}

void RtpChannel::set_remote(const Endpoint& remote, std::uint8_t send_payload_type,
                            std::vector<std::uint8_t> payload_types, unsigned clock_rate) {
  asio::post(io_, [self = shared_from_this(), remote, send_payload_type, types = std::move(payload_types),
                   clock_rate]() mutable {
    self->remote_ = remote;
    self->latched_ = false;
    self->their_ssrc_.reset();  // a new session may well be a new stream: no 2 s of silence for it
    self->rtcp_remote_ = Endpoint(remote.address(), remote.port() ? static_cast<std::uint16_t>(remote.port() + 1) : 0);
    self->rtcp_latched_ = false;
    self->clock_rate_ = clock_rate ? clock_rate : 8000;
    self->send_type_ = send_payload_type;
    self->accepted_types_ = std::move(types);
  });
}

void RtpChannel::start() {
  asio::post(io_, [self = shared_from_this()] {
    self->receive();
    self->receive_rtcp();
    self->schedule_report();
  });
}

void RtpChannel::close() {
  asio::post(io_, [self = shared_from_this()] {
    self->closed_ = true;
    self->pacer_.cancel();
    self->reporter_.cancel();
    self->receiver_ = nullptr;  // what it holds may hold this channel (relaying between two)
    boost::system::error_code ignored;
    self->socket_.close(ignored);
    self->rtcp_socket_.close(ignored);
  });
}

void RtpChannel::receive() {
  if (closed_) return;
  socket_.async_receive_from(asio::buffer(in_), sender_,
                             [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
                               if (ec == asio::error::operation_aborted || self->closed_) return;
                               if (!ec) self->accept(size);
                               self->receive();  // errors such as ICMP port unreachable are not fatal
                             });
}

void RtpChannel::accept(std::size_t size) {
  RtpPacket packet;
  if (parse_rtp(std::span<const std::uint8_t>(in_.data(), size), packet) != RtpProblem::none) {
    ++stats_.malformed;
    return;
  }
  if (std::find(accepted_types_.begin(), accepted_types_.end(), packet.header.payload_type) == accepted_types_.end()) {
    ++stats_.wrong_payload;
    return;
  }
  // Symmetric RTP: the first accepted packet's source is where the far end really is (behind
  // NAT it is not the SDP's address); from then on only that source is heard, so nobody who
  // guesses the port can take the stream over or inject digits.
  if (latched_ && sender_ != remote_) {
    ++stats_.wrong_source;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (their_ssrc_ && *their_ssrc_ != packet.header.ssrc && now - their_last_ < kSsrcTakeover) {
    ++stats_.wrong_ssrc;
    return;
  }
  their_ssrc_ = packet.header.ssrc;
  their_last_ = now;
  if (!latched_) {
    if (sender_ != remote_) ++stats_.latched;  // the SDP named another address: NAT
    remote_ = sender_;
    latched_ = true;
  }
  ++stats_.received;
  reception_.on_packet(packet.header.sequence, packet.header.timestamp, now_in_clock_units());
  if (receiver_) receiver_(packet.header, packet.payload);
}

void RtpChannel::send_frame(std::span<const std::uint8_t> payload, std::uint32_t samples) {
  if (remote_.port() == 0) return;  // nowhere to send yet
  const RtpHeader header{send_type_, first_frame_, sequence_++, timestamp_, our_ssrc_};
  timestamp_ += samples;
  first_frame_ = false;
  transmit(header, payload);
}

void RtpChannel::relay(const RtpHeader& their, std::span<const std::uint8_t> payload, std::uint8_t payload_type,
                       std::uint32_t units) {
  if (closed_ || remote_.port() == 0) return;
  if (relayed_ssrc_ != their.ssrc) {  // a new sender (or the first): its timeline joins ours here
    relayed_ssrc_ = their.ssrc;
    relay_offset_ = timestamp_ - their.timestamp;
  }
  const std::uint32_t timestamp = their.timestamp + relay_offset_;
  timestamp_ = timestamp + units;  // where frames of our own would go on
  transmit({payload_type, their.marker, sequence_++, timestamp, our_ssrc_}, payload);
}

void RtpChannel::transmit(const RtpHeader& header, std::span<const std::uint8_t> payload) {
  const std::size_t size = write_rtp(header, payload, out_);
  if (size == 0) return;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(out_.data(), size), remote_, 0, ec);  // UDP: never blocks for long
  if (ec) return;
  ++stats_.sent;
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload.size());
  sent_since_report_ = true;
}

std::uint32_t RtpChannel::now_in_clock_units() const {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count() * clock_rate_ /
                                    1000000);
}

void RtpChannel::receive_rtcp() {
  if (closed_) return;
  rtcp_socket_.async_receive_from(asio::buffer(rtcp_in_), rtcp_sender_,
                                  [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
                                    if (ec == asio::error::operation_aborted || self->closed_) return;
                                    if (!ec) self->accept_rtcp(size);
                                    self->receive_rtcp();
                                  });
}

namespace {
std::uint64_t ntp_now() {
  const auto since_1970 = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_1970).count();
  const std::uint64_t seconds = static_cast<std::uint64_t>(micros / 1000000) + 2208988800ull;  // from 1900
  const std::uint64_t fraction = (static_cast<std::uint64_t>(micros % 1000000) << 32) / 1000000;
  return seconds << 32 | fraction;
}

std::uint32_t in_65536ths(std::chrono::steady_clock::duration d) {
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count() * 65536 / 1000000);
}
}  // namespace

void RtpChannel::accept_rtcp(std::size_t size) {
  const auto report = parse_rtcp(std::span<const std::uint8_t>(rtcp_in_.data(), size));
  // Only the far end's own reports count: valid, from where its RTCP is (latched like RTP),
  // about the stream it sends us.
  const bool from_elsewhere = rtcp_latched_ && rtcp_sender_ != rtcp_remote_;
  if (!report || from_elsewhere || (their_ssrc_ && report->ssrc != *their_ssrc_)) {
    ++stats_.rtcp_dropped;
    return;
  }
  if (!rtcp_latched_) {
    rtcp_remote_ = rtcp_sender_;
    rtcp_latched_ = true;
  }
  ++stats_.rtcp_received;
  if (report->sender) {
    their_last_sr_ = ntp_middle(report->sender->ntp);
    their_last_sr_at_ = std::chrono::steady_clock::now();
  }
  for (const ReportBlock& block : report->blocks) {
    if (block.ssrc != our_ssrc_) continue;
    stats_.far_end_lost = block.cumulative_lost;
    if (block.last_sr == 0) continue;
    // RFC 3550 6.4.1: round trip = arrival - LSR - DLSR, in 1/65536 s.
    const std::uint32_t rtt = ntp_middle(ntp_now()) - block.last_sr - block.delay_since_last_sr;
    if (rtt < 65536u * 10) stats_.round_trip_us = static_cast<std::uint32_t>(std::uint64_t{rtt} * 1000000 / 65536);
  }
}

void RtpChannel::schedule_report() {
  if (closed_ || rtcp_interval_.count() <= 0) return;
  // RFC 3550 6.2: a random interval between 0.5 and 1.5 times the nominal one.
  const auto interval =
      std::chrono::milliseconds(rtcp_interval_.count() / 2 + random32() % (rtcp_interval_.count() + 1));
  reporter_.expires_after(interval);
  reporter_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    self->send_report();
    self->schedule_report();
  });
}

void RtpChannel::send_report() {
  if (rtcp_remote_.port() == 0) return;  // nowhere to report to yet
  std::optional<SenderInfo> sender;
  if (sent_since_report_) sender = SenderInfo{ntp_now(), timestamp_, packets_sent_, octets_sent_};
  sent_since_report_ = false;
  std::optional<ReportBlock> block;
  if (reception_.started() && their_ssrc_) {
    block = reception_.report(*their_ssrc_);
    if (their_last_sr_ != 0) {
      block->last_sr = their_last_sr_;
      block->delay_since_last_sr = in_65536ths(std::chrono::steady_clock::now() - their_last_sr_at_);
    }
    stats_.lost = static_cast<std::uint64_t>(std::max<std::int64_t>(reception_.lost(), 0));
    stats_.jitter_us = static_cast<std::uint32_t>(std::uint64_t{reception_.jitter()} * 1000000 / clock_rate_);
  }
  std::array<std::uint8_t, 256> packet{};
  const std::size_t size = write_rtcp_report(our_ssrc_, sender, block, cname_, packet);
  if (size == 0) return;
  boost::system::error_code ec;
  rtcp_socket_.send_to(asio::buffer(packet.data(), size), rtcp_remote_, 0, ec);
  if (!ec) ++stats_.rtcp_sent;
}

void RtpChannel::pace(std::chrono::milliseconds interval, std::uint32_t samples, FrameSource source) {
  asio::post(io_, [self = shared_from_this(), interval, samples, source = std::move(source)]() mutable {
    self->pacer_.cancel();
    self->first_frame_ = true;  // a new talk spurt
    const std::uint64_t run = ++self->pacing_run_;
    if (self->clock_ && self->clock_->period() == interval) {
      self->clock_->add([self, samples, run, source = std::move(source)]() {
        if (self->closed_ || run != self->pacing_run_) return false;
        const std::span<const std::uint8_t> frame = source();
        if (frame.empty()) return false;
        self->send_frame(frame, samples);
        return true;
      });
      return;
    }
    self->tick(std::chrono::steady_clock::now(), interval, samples, std::make_shared<FrameSource>(std::move(source)),
               run);
  });
}

void RtpChannel::stop_pacing() {
  asio::post(io_, [self = shared_from_this()] {
    ++self->pacing_run_;
    self->pacer_.cancel();
  });
}

void RtpChannel::tick(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds interval,
                      std::uint32_t samples, std::shared_ptr<FrameSource> source, std::uint64_t run) {
  if (closed_ || run != pacing_run_) return;
  const std::span<const std::uint8_t> frame = (*source)();
  if (frame.empty()) return;
  send_frame(frame, samples);
  const auto next = deadline + interval;
  pacer_.expires_at(next);
  pacer_.async_wait(
      [self = shared_from_this(), next, interval, samples, source, run](const boost::system::error_code& ec) {
        if (!ec) self->tick(next, interval, samples, source, run);
      });
}

}  // namespace junction::media
