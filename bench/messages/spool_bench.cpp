// Durable messages accepted per second by the spool (MessageSpoolService on a real directory),
// with group commit and without it (one message per transaction), and the CPU each message
// costs. Messages are ~110 KB, a 10 s voicemail as WAV, like ../shared/bench/mail's.
//
//   spool_bench [messages] [directory]      default: 2000, /tmp (a fresh directory inside it is used)
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>

#include "core/messages/message_spool.hpp"
#include "core/metrics/metrics_registry.hpp"

using namespace junction;
using Clock = std::chrono::steady_clock;

namespace {

// The call loop: answers from the spool's thread arrive here and are counted.
class CountingLoop final : public Executor {
 public:
  void post(Task task) override {
    std::lock_guard guard(lock_);
    task();  // only counts: cheap enough to run under the lock
    ++done_;
    if (done_ >= expected_) finished_.notify_one();
  }
  TimerId call_after(std::chrono::milliseconds, Task) override { return 0; }
  bool cancel(TimerId) override { return false; }
  junction::Clock::time_point now() const override { return junction::Clock::now(); }
  void expect(std::size_t n) {
    std::lock_guard guard(lock_);
    expected_ = n;
    done_ = 0;
  }
  void wait() {
    std::unique_lock guard(lock_);
    finished_.wait(guard, [this] { return done_ >= expected_; });
  }

 private:
  std::mutex lock_;
  std::condition_variable finished_;
  std::size_t expected_ = 0;
  std::size_t done_ = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void run(const char* label, std::size_t messages, std::size_t max_batch, const std::filesystem::path& directory) {
  std::filesystem::remove_all(directory);
  CountingLoop loop;
  MetricsRegistry metrics;
  MessageStore::Options options;
  options.directory = directory;
  options.reserve_bytes = 0;
  MessageSpoolService spool(options, loop, metrics, max_batch);
  const std::string audio(110000, 'a');
  std::size_t refused = 0;
  loop.expect(messages);
  const double cpu_before = cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t i = 0; i < messages; ++i) {
    NewMessage m;
    m.sender = "+4930123456";
    m.recipients = {"user" + std::to_string(i % 100) + "@example.com"};
    m.headers = {{"Caller-Name", "Bench"}, {"Duration", "10"}};
    m.parts = {{"message.wav", "audio/wav", audio}};
    spool.accept(std::move(m), [&refused](const std::string&, const std::string& error) { refused += !error.empty(); });
  }
  loop.wait();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_before;
  std::printf("%-22s %8zu messages  %8.0f /s  %6zu batches  %6.2f ms CPU/message  %zu refused\n", label, messages,
              messages / seconds, static_cast<std::size_t>(spool.batches()), 1000 * cpu / messages, refused);
  std::filesystem::remove_all(directory);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t messages = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000;
  // A directory of its own inside the one given (the disk to measure): only that is removed.
  const std::filesystem::path directory =
      (argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path()) /
      ("spool-bench-" + std::to_string(std::random_device{}()));
  run("group commit", messages, 256, directory);
  run("one per transaction", messages, 1, directory);
}
