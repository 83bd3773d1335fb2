// The RTP channel on a real loopback socket, with a plain UDP socket as the far end.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "rtp_channel.hpp"

namespace junction::media {
namespace {

using namespace std::chrono_literals;

// A phone's RTP socket: bound to 127.0.0.1, receives with a timeout.
class FarEnd {
 public:
  FarEnd() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~FarEnd() { ::close(fd_); }
  std::uint16_t port() const { return port_; }
  void send_to(std::uint16_t port, const std::vector<std::uint8_t>& data) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port);
    ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  std::vector<std::uint8_t> receive() {
    std::vector<std::uint8_t> buffer(2048);
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    buffer.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return buffer;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

std::vector<std::uint8_t> rtp(std::uint8_t type, std::uint16_t sequence, std::uint32_t ssrc) {
  std::vector<std::uint8_t> out(kRtpHeaderSize + 160);
  const std::vector<std::uint8_t> payload(160, 0xff);
  write_rtp({type, false, sequence, sequence * 160u, ssrc}, payload, out);
  return out;
}

class RtpChannelTest : public ::testing::Test {
 protected:
  RtpChannelTest() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~RtpChannelTest() override {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  // Returns once the media thread has finished what it was doing (its counters are final).
  void settle() {
    std::promise<void> idle;
    asio::post(io_, [&idle] { idle.set_value(); });
    idle.get_future().wait();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

TEST_F(RtpChannelTest, PortsAreEvenAndFromTheRangeUntilItIsFull) {
  // Even ports for RTP, each with the port above it for RTCP, both in the range.
  auto a = RtpChannel::open(io_, "127.0.0.1", {41001, 41005});
  EXPECT_TRUE(a->port() == 41002 || a->port() == 41004) << a->port();
  auto b = RtpChannel::open(io_, "127.0.0.1", {41001, 41005});
  EXPECT_NE(a->port(), b->port());
  try {
    RtpChannel::open(io_, "127.0.0.1", {41001, 41005});
    FAIL() << "the range is full";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no free port in 41001-41005"), std::string::npos) << e.what();
  }
  a->close();
  b->close();
}

TEST_F(RtpChannelTest, OnlyWellFormedPacketsOfTheNegotiatedTypeAndSenderGetThrough) {
  auto channel = RtpChannel::open(io_, "127.0.0.1", {42000, 42999});
  std::promise<std::vector<std::uint16_t>> done;
  std::vector<std::uint16_t> sequences;
  channel->on_receive([&](const RtpHeader& header, std::span<const std::uint8_t> payload) {
    EXPECT_EQ(payload.size(), 160u);
    sequences.push_back(header.sequence);
    if (header.sequence == 3) done.set_value(sequences);
  });
  FarEnd phone;
  channel->set_remote({asio::ip::make_address("127.0.0.1"), phone.port()}, 0, {0, 101});
  channel->start();
  phone.send_to(channel->port(), rtp(0, 1, 0xaaaa));
  phone.send_to(channel->port(), {0x80, 0, 1});        // too short
  phone.send_to(channel->port(), rtp(18, 2, 0xaaaa));  // G.729: not negotiated
  phone.send_to(channel->port(), rtp(0, 2, 0xbbbb));   // another sender while ours talks
  phone.send_to(channel->port(), rtp(0, 3, 0xaaaa));
  auto received = done.get_future();
  ASSERT_EQ(received.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(received.get(), (std::vector<std::uint16_t>{1, 3}));
  EXPECT_EQ(channel->stats().malformed, 1u);
  EXPECT_EQ(channel->stats().wrong_payload, 1u);
  EXPECT_EQ(channel->stats().wrong_ssrc, 1u);
  EXPECT_EQ(channel->stats().received, 2u);
  channel->close();
}

TEST_F(RtpChannelTest, SendsPacedFramesToWhereTheSenderReallyIs) {
  MediaClock clock(io_);  // the media thread's shared 20 ms clock, as the plugin uses it
  auto channel = RtpChannel::open(io_, "127.0.0.1", {43000, 43999}, &clock);
  std::promise<void> heard, later;
  channel->on_receive([&](const RtpHeader& header, std::span<const std::uint8_t>) {
    if (header.sequence == 1) heard.set_value();
    if (header.sequence == 9) later.set_value();
  });
  FarEnd phone;
  // The SDP names a port where nobody listens (the phone's private address behind NAT).
  channel->set_remote({asio::ip::make_address("127.0.0.1"), 9}, 8, {8});
  channel->start();
  phone.send_to(channel->port(), rtp(8, 1, 0xcccc));
  ASSERT_EQ(heard.get_future().wait_for(5s), std::future_status::ready);
  int frames = 3;
  const std::vector<std::uint8_t> frame(160, 0xd5);
  channel->pace(20ms, 160, [&frames, &frame]() -> std::span<const std::uint8_t> {
    if (frames-- == 0) return {};
    return frame;
  });
  RtpHeader first{};
  for (int i = 0; i < 3; ++i) {
    const auto datagram = phone.receive();
    RtpPacket packet;
    ASSERT_EQ(parse_rtp(datagram, packet), RtpProblem::none) << "frame " << i << " did not arrive";
    EXPECT_EQ(packet.header.payload_type, 8);
    EXPECT_EQ(packet.payload.size(), 160u);
    if (i == 0) {
      first = packet.header;
      EXPECT_TRUE(packet.header.marker) << "the first packet of a talk spurt";
    } else {
      EXPECT_FALSE(packet.header.marker);
      EXPECT_EQ(packet.header.sequence, static_cast<std::uint16_t>(first.sequence + i));
      EXPECT_EQ(packet.header.timestamp, first.timestamp + 160u * i);
      EXPECT_EQ(packet.header.ssrc, first.ssrc);
    }
  }
  settle();  // the third packet can arrive before its sender has counted it
  EXPECT_EQ(channel->stats().latched, 1u);
  EXPECT_EQ(channel->stats().sent, 3u);
  // Someone else who found the port: not heard, not answered.
  FarEnd intruder;
  intruder.send_to(channel->port(), rtp(8, 5, 0xcccc));
  phone.send_to(channel->port(), rtp(8, 9, 0xcccc));
  ASSERT_EQ(later.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(channel->stats().wrong_source, 1u);
  channel->close();
  settle();  // the clock's last tick, which finds the source dry, runs before `clock` goes
}

TEST_F(RtpChannelTest, PacingOnItsOwnTimerWhenTheIntervalIsNotTheClocks) {
  auto channel = RtpChannel::open(io_, "127.0.0.1", {44000, 44999});
  FarEnd phone;
  channel->set_remote({asio::ip::make_address("127.0.0.1"), phone.port()}, 0, {0});
  int frames = 2;
  const std::vector<std::uint8_t> frame(240, 0xff);
  channel->pace(30ms, 240, [&frames, &frame]() -> std::span<const std::uint8_t> {
    if (frames-- == 0) return {};
    return frame;
  });
  RtpPacket first, second;
  const auto a = phone.receive();
  const auto b = phone.receive();
  ASSERT_EQ(parse_rtp(a, first), RtpProblem::none);
  ASSERT_EQ(parse_rtp(b, second), RtpProblem::none);
  EXPECT_EQ(second.header.timestamp - first.header.timestamp, 240u) << "30 ms at 8 kHz";
  channel->close();
  settle();
}

TEST_F(RtpChannelTest, TwoChannelsReportToEachOtherInRtcp) {
  // Two server channels talking: each sends frames, and every 50 ms (±50 %) a report. Each hears
  // the other's SRs, and from the report blocks about its own stream learns the round trip.
  MediaClock clock(io_);
  auto a = RtpChannel::open(io_, "127.0.0.1", {44000, 44999}, &clock);
  auto b = RtpChannel::open(io_, "127.0.0.1", {44000, 44999}, &clock);
  const auto loopback = asio::ip::make_address("127.0.0.1");
  for (auto* pair : {&a, &b}) {
    auto& self = *pair;
    auto& other = pair == &a ? b : a;
    self->set_remote({loopback, other->port()}, 0, {0});
    self->set_rtcp_interval(50ms);
    self->on_receive([](const RtpHeader&, std::span<const std::uint8_t>) {});
    self->start();
    static const std::vector<std::uint8_t> silence(160, 0xff);
    self->pace(20ms, 160, [] { return std::span<const std::uint8_t>(silence); });
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((a->stats().round_trip_us == 0 || b->stats().round_trip_us == 0) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);  // polling counters another thread sets: nothing to await
  EXPECT_GT(a->stats().rtcp_sent, 0u);
  EXPECT_GT(b->stats().rtcp_received, 0u);
  EXPECT_EQ(a->stats().rtcp_dropped, 0u);
  EXPECT_GT(a->stats().round_trip_us, 0u) << "A's SR came back in a report block of B";
  EXPECT_LT(a->stats().round_trip_us, 1000000u);
  EXPECT_GT(b->stats().round_trip_us, 0u);
  a->close();
  b->close();
  settle();
}

TEST_F(RtpChannelTest, InvalidOrForeignRtcpIsDropped) {
  auto channel = RtpChannel::open(io_, "127.0.0.1", {45000, 45999});
  FarEnd phone;
  channel->set_remote({asio::ip::make_address("127.0.0.1"), phone.port()}, 0, {0});
  channel->start();
  phone.send_to(static_cast<std::uint16_t>(channel->port() + 1),
                {0x80, 0xc9, 0x00, 0x07});                                       // length beyond the datagram
  phone.send_to(static_cast<std::uint16_t>(channel->port() + 1), rtp(0, 1, 1));  // RTP on the RTCP port
  std::vector<std::uint8_t> report(64);
  report.resize(write_rtcp_report(0x1234, std::nullopt, std::nullopt, "x", report));
  phone.send_to(static_cast<std::uint16_t>(channel->port() + 1), report);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (channel->stats().rtcp_received + channel->stats().rtcp_dropped < 3 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(channel->stats().rtcp_dropped, 2u);
  EXPECT_EQ(channel->stats().rtcp_received, 1u);
  channel->close();
  settle();
}

TEST_F(RtpChannelTest, RelayedPacketsKeepTheSendersTiming) {
  auto channel = RtpChannel::open(io_, "127.0.0.1", {46000, 46999});
  FarEnd phone;
  channel->set_remote({asio::ip::make_address("127.0.0.1"), phone.port()}, 8, {8, 101});
  channel->start();
  const std::vector<std::uint8_t> audio(160, 0xd5);
  const std::vector<std::uint8_t> event{1, 0x0a, 0x01, 0x40};
  asio::post(io_, [&] {
    channel->relay({0, false, 7, 1000, 0x55}, audio, 8, 160);
    channel->relay({0, false, 8, 1160, 0x55}, audio, 8, 160);
    channel->relay({0, false, 9, 2000, 0x55}, audio, 8, 160);  // after a silence gap
    channel->relay({101, true, 10, 2160, 0x55}, event, 101, 0);
    channel->relay({101, false, 11, 2160, 0x55}, event, 101, 0);  // the same event, longer
  });
  std::vector<RtpPacket> got;
  std::vector<std::vector<std::uint8_t>> datagrams;
  for (int i = 0; i < 5; ++i) {
    datagrams.push_back(phone.receive());
    RtpPacket packet;
    ASSERT_EQ(parse_rtp(datagrams.back(), packet), RtpProblem::none);
    got.push_back(packet);
  }
  EXPECT_EQ(got[1].header.timestamp - got[0].header.timestamp, 160u);
  EXPECT_EQ(got[2].header.timestamp - got[1].header.timestamp, 840u) << "the gap is kept";
  EXPECT_EQ(got[3].header.timestamp, got[4].header.timestamp) << "an event keeps its one timestamp";
  EXPECT_EQ(got[3].header.payload_type, 101);
  EXPECT_TRUE(got[3].header.marker);
  EXPECT_NE(got[0].header.ssrc, 0x55u) << "sent as our own stream";
  for (int i = 1; i < 5; ++i)
    EXPECT_EQ(static_cast<std::uint16_t>(got[i].header.sequence - got[i - 1].header.sequence), 1) << "our sequence";
  channel->close();
  settle();
}

TEST_F(RtpChannelTest, ANewSessionMayBringANewSender) {
  auto channel = RtpChannel::open(io_, "127.0.0.1", {47000, 47999});
  std::promise<void> second_heard;
  std::vector<std::uint32_t> ssrcs;
  channel->on_receive([&](const RtpHeader& header, std::span<const std::uint8_t>) {
    ssrcs.push_back(header.ssrc);
    if (header.ssrc == 0xbbbb) second_heard.set_value();
  });
  FarEnd phone;
  const RtpChannel::Endpoint remote{asio::ip::make_address("127.0.0.1"), phone.port()};
  channel->set_remote(remote, 0, {0});
  channel->start();
  phone.send_to(channel->port(), rtp(0, 1, 0xaaaa));
  phone.send_to(channel->port(), rtp(0, 2, 0xbbbb));  // another sender while the first talks: dropped
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (channel->stats().received + channel->stats().wrong_ssrc < 2 && std::chrono::steady_clock::now() < deadline)
    settle();
  EXPECT_EQ(channel->stats().wrong_ssrc, 1u);
  channel->set_remote(remote, 0, {0});  // a re-INVITE
  phone.send_to(channel->port(), rtp(0, 100, 0xbbbb));
  ASSERT_EQ(second_heard.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(ssrcs, (std::vector<std::uint32_t>{0xaaaa, 0xbbbb}));
  channel->close();
  settle();
}

}  // namespace
}  // namespace junction::media
