// How many RTP channels playing an announcement the media threads keep at 20 ms pacing.
//
// Each channel paces G.711 frames (160 bytes every 20 ms) to a sink socket on 127.0.0.1 that a
// thread drains. The frame source stamps the time each frame is handed out, just before it is
// sent; the error of a send is how far the gap to the channel's previous send is from 20 ms.
// Per step: channels, p50/p99/max send-interval error, CPU of the media threads (% of one core,
// and µs per channel-second). Channels are spread over MEDIA_THREADS threads (default 1), each
// with its own io_context and MediaClock, as the plugin's `threads` does.
//
//   [MEDIA_THREADS=2] channel_bench [seconds-per-step] [channels ...]   default: 5 s, 500 ... 4000
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "g711.hpp"
#include "rtp_channel.hpp"

using namespace junction;
using namespace junction::media;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of one thread (the media thread: the sink's drain thread is not the engine's cost).
double cpu_seconds(std::thread& thread) {
  clockid_t clock{};
  timespec t{};
  if (pthread_getcpuclockid(thread.native_handle(), &clock) != 0 || clock_gettime(clock, &t) != 0) return 0;
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct Step {
  int channels;
  double p50_ms, p99_ms, max_ms, cpu_percent, us_per_channel_second;
  long frames;
};

Step run(int channels, std::chrono::seconds length, int threads) {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<std::unique_ptr<MediaClock>> clocks;
  using Work = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<Work> works;
  for (int t = 0; t < threads; ++t) {
    ios.push_back(std::make_unique<asio::io_context>());
    clocks.push_back(std::make_unique<MediaClock>(*ios.back()));
    works.push_back(asio::make_work_guard(*ios.back()));
  }
  asio::io_context& io = *ios.front();
  // The sink: one socket, drained by a thread, with a big buffer.
  asio::ip::udp::socket sink(io, {asio::ip::make_address("127.0.0.1"), 0});
  const int buffer = 8 << 20;
  ::setsockopt(sink.native_handle(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  std::atomic<bool> draining{true};
  std::thread drain([&] {
    std::vector<char> data(2048);
    timeval timeout{0, 100000};
    ::setsockopt(sink.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    while (draining) ::recv(sink.native_handle(), data.data(), data.size(), 0);
  });
  const auto to = sink.local_endpoint();
  const std::vector<std::uint8_t> frame = g711_encode(G711Law::ulaw, std::vector<std::int16_t>(160, 1000));
  std::mutex lock;
  std::vector<double> errors;  // ms
  errors.reserve(static_cast<std::size_t>(channels) * 50 * length.count());
  const auto start_measuring = Clock::now() + std::chrono::seconds(1);  // after all have started
  const auto stop = start_measuring + length;
  std::vector<std::shared_ptr<RtpChannel>> open;
  for (int i = 0; i < channels; ++i) {
    auto channel = RtpChannel::open(*ios[static_cast<std::size_t>(i % threads)], "127.0.0.1", {20000, 60000},
                                    clocks[static_cast<std::size_t>(i % threads)].get());
    channel->set_remote(to, 0, {0});
    auto last = std::make_shared<Clock::time_point>();
    auto mine = std::make_shared<std::vector<double>>();
    channel->pace(std::chrono::milliseconds(20), 160, [&, last, mine, frame]() -> std::span<const std::uint8_t> {
      const auto now = Clock::now();
      if (now >= stop) {
        std::lock_guard guard(lock);
        errors.insert(errors.end(), mine->begin(), mine->end());
        return {};
      }
      if (now >= start_measuring && *last != Clock::time_point{})
        mine->push_back(std::abs(std::chrono::duration<double, std::milli>(now - *last).count() - 20.0));
      *last = now;
      return frame;
    });
    open.push_back(channel);
  }
  std::vector<std::thread> media;
  for (auto& one : ios) media.emplace_back([&one] { one->run(); });
  auto cpu_now = [&] {
    double sum = 0;
    for (auto& thread : media) sum += cpu_seconds(thread);
    return sum;
  };
  std::this_thread::sleep_until(start_measuring);
  const double cpu_before = cpu_now();
  std::this_thread::sleep_until(stop);
  const double cpu = cpu_now() - cpu_before;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // last frames hand in their errors
  for (auto& channel : open) channel->close();
  works.clear();
  for (auto& thread : media) thread.join();
  draining = false;
  drain.join();
  std::sort(errors.begin(), errors.end());
  auto at = [&](double q) { return errors.empty() ? 0.0 : errors[static_cast<std::size_t>(q * (errors.size() - 1))]; };
  return {channels,
          at(0.5),
          at(0.99),
          errors.empty() ? 0.0 : errors.back(),
          100.0 * cpu / length.count(),
          1e6 * cpu / length.count() / channels,
          static_cast<long>(errors.size())};
}

}  // namespace

int main(int argc, char** argv) {
  std::chrono::seconds length(argc > 1 ? std::atoi(argv[1]) : 5);
  std::vector<int> steps;
  for (int i = 2; i < argc; ++i) steps.push_back(std::atoi(argv[i]));
  if (steps.empty()) steps = {500, 1000, 2000, 3000, 4000};
  const char* threads_text = std::getenv("MEDIA_THREADS");
  const int threads = std::max(1, threads_text ? std::atoi(threads_text) : 1);
  std::printf("media threads: %d\n", threads);
  std::printf("%-9s %-10s %-10s %-10s %-8s %-16s %s\n", "channels", "p50_ms", "p99_ms", "max_ms", "cpu_%",
              "us_cpu_per_ch_s", "intervals");
  for (int channels : steps) {
    const Step s = run(channels, length, threads);
    std::printf("%-9d %-10.3f %-10.3f %-10.3f %-8.1f %-16.1f %ld\n", s.channels, s.p50_ms, s.p99_ms, s.max_ms,
                s.cpu_percent, s.us_per_channel_second, s.frames);
    std::fflush(stdout);
  }
}
