#include "rtp_channel.hpp"

#include <algorithm>
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
  if (range.last < first) throw std::runtime_error("media: port range has no even port");
  const std::uint32_t count = (range.last - first) / 2 + 1;
  const std::uint32_t start = random32() % count;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto port = static_cast<std::uint16_t>(first + 2 * ((start + i) % count));
    asio::ip::udp::socket socket(io);
    boost::system::error_code ec;
    socket.open(ip.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6(), ec);
    if (ec) throw std::runtime_error("media: cannot open a UDP socket: " + ec.message());
    socket.bind({ip, port}, ec);
    if (!ec) return std::shared_ptr<RtpChannel>(new RtpChannel(io, std::move(socket), port, clock));
  }
  throw std::runtime_error("media: no free port in " + std::to_string(range.first) + "-" + std::to_string(range.last) +
                           " on " + address);
}

RtpChannel::RtpChannel(asio::io_context& io, asio::ip::udp::socket socket, std::uint16_t port, MediaClock* clock)
    : io_(io),
      socket_(std::move(socket)),
      pacer_(io),
      clock_(clock),
      port_(port),
      our_ssrc_(random32()),
      sequence_(static_cast<std::uint16_t>(random32())),
      timestamp_(random32()) {}

void RtpChannel::set_remote(const Endpoint& remote, std::uint8_t send_payload_type,
                            std::vector<std::uint8_t> payload_types) {
  asio::post(io_, [self = shared_from_this(), remote, send_payload_type, types = std::move(payload_types)]() mutable {
    self->remote_ = remote;
    self->latched_ = false;
    self->send_type_ = send_payload_type;
    self->accepted_types_ = std::move(types);
  });
}

void RtpChannel::start() {
  asio::post(io_, [self = shared_from_this()] { self->receive(); });
}

void RtpChannel::close() {
  asio::post(io_, [self = shared_from_this()] {
    self->closed_ = true;
    self->pacer_.cancel();
    self->receiver_ = nullptr;  // what it holds may hold this channel (relaying between two)
    boost::system::error_code ignored;
    self->socket_.close(ignored);
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
  if (receiver_) receiver_(packet.header, packet.payload);
}

void RtpChannel::send_frame(std::span<const std::uint8_t> payload, std::uint32_t samples) {
  if (remote_.port() == 0) return;  // nowhere to send yet
  RtpHeader header{send_type_, first_frame_, sequence_++, timestamp_, our_ssrc_};
  timestamp_ += samples;
  first_frame_ = false;
  const std::size_t size = write_rtp(header, payload, out_);
  if (size == 0) return;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(out_.data(), size), remote_, 0, ec);  // UDP: never blocks for long
  if (!ec) ++stats_.sent;
}

void RtpChannel::pace(std::chrono::milliseconds interval, std::uint32_t samples, FrameSource source) {
  asio::post(io_, [self = shared_from_this(), interval, samples, source = std::move(source)]() mutable {
    self->pacer_.cancel();
    self->first_frame_ = true;  // a new talk spurt
    const std::uint64_t run = ++self->pacing_run_;
    if (self->clock_ && self->clock_->period() == interval) {
      self->clock_->add([self, samples, run, source = std::move(source)]() {
        if (self->closed_ || run != self->pacing_run_) return false;
        std::optional<std::vector<std::uint8_t>> frame = source();
        if (!frame) return false;
        self->send_frame(*frame, samples);
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
  std::optional<std::vector<std::uint8_t>> frame = (*source)();
  if (!frame) return;
  send_frame(*frame, samples);
  const auto next = deadline + interval;
  pacer_.expires_at(next);
  pacer_.async_wait(
      [self = shared_from_this(), next, interval, samples, source, run](const boost::system::error_code& ec) {
        if (!ec) self->tick(next, interval, samples, source, run);
      });
}

}  // namespace junction::media
