// Messages delivered per second from the spool: N voicemail-sized messages (110 KB) are
// accepted, then the delivery scheduler hands them (`parallel` at a time, on 2 workers, as the
// daemon does) to a connector that composes each as a MIME mail and writes it into a pickup
// folder, fsynced. Reports accepted/s, delivered/s, CPU per message and the spread from accept
// to delivery. Run with bench/messages/run_spool.sh's build (target delivery_bench).
//
//   delivery_bench [messages] [directory]     default: 1000, under /tmp
#include <sys/resource.h>

#include <cstdio>
#include <random>

#include "core/asio.hpp"
#include "core/exec/asio_executor.hpp"
#include "core/exec/thread_worker_pool.hpp"
#include "core/log/log_sink.hpp"
#include "core/messages/delivery_scheduler.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "mail_composer.hpp"
#include "pickup_folder.hpp"

using namespace junction;
using Clock = std::chrono::steady_clock;

namespace {

class Users final : public Directory {
 public:
  const User* find(std::string_view) const override { return &user_; }
  const std::vector<User>& users() const override { return all_; }

 private:
  User user_{"1001", "Bench", "bench@example.com", "", "", {}, ""};
  std::vector<User> all_{user_};
};

class PickupSink final : public MessageConnector {
 public:
  PickupSink(std::filesystem::path folder, const Directory& users) : folder_(std::move(folder)), users_(users) {}
  std::string_view name() const override { return "pickup"; }
  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::string problem;
    const auto to = mail::mail_addresses(message, users_, problem);
    return mail::drop_into_folder(folder_, message.id, mail::compose_mail(message, parts, to, {}));
  }

 private:
  std::filesystem::path folder_;
  const Directory& users_;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t messages = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  const std::filesystem::path directory =
      argc > 2 ? std::filesystem::path(argv[2])
               : std::filesystem::temp_directory_path() / ("delivery-bench-" + std::to_string(std::random_device{}()));
  std::filesystem::remove_all(directory);
  asio::io_context io;
  AsioExecutor loop(io);
  ThreadWorkerPool workers(2);
  MetricsRegistry metrics;
  LogSink sink(stderr, LogLevel::error);
  ComponentLogger log(sink, "spool");
  ServiceRegistry registry;
  Users users;
  registry.add_connector("bench", std::make_shared<PickupSink>(directory / "mail", users));
  MessageStore::Options options;
  options.directory = directory / "spool";
  options.reserve_bytes = 0;
  MessageSpoolService spool(options, loop, metrics);
  DeliverySettings settings;
  settings.connector = "pickup";
  settings.parallel = 8;
  settings.poll = std::chrono::milliseconds(50);
  DeliveryScheduler scheduler(spool, options.directory, registry, loop, workers, log, metrics, settings);

  const std::string audio(110000, 'a');
  std::size_t accepted = 0;
  const double cpu_start = cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t i = 0; i < messages; ++i) {
    NewMessage m;
    m.sender = "+4930123456";
    m.recipients = {"1001"};
    m.headers = {{"Caller-Name", "Bench"}, {"Duration", "10"}};
    m.parts = {{"message.wav", "audio/wav", audio}};
    spool.accept(std::move(m), [&](const std::string& id, const std::string&) {
      accepted += !id.empty();
      if (accepted == 1) scheduler.start();
      scheduler.kick();
    });
  }
  Counter& delivered = metrics.counter("junction_spool_delivered_total", "");
  Clock::time_point all_accepted{};
  while (delivered.value() < messages) {
    io.run_for(std::chrono::milliseconds(10));
    if (accepted == messages && all_accepted == Clock::time_point{}) all_accepted = Clock::now();
    if (Clock::now() - start > std::chrono::minutes(5)) break;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  std::printf(
      "%zu messages of 110 KB: accepted in %.2f s (%.0f/s), all delivered to the pickup folder in %.2f s "
      "(%.0f/s end to end), %.2f ms CPU per message (accept + deliver)\n",
      messages, std::chrono::duration<double>(all_accepted - start).count(),
      messages / std::chrono::duration<double>(all_accepted - start).count(), seconds, messages / seconds,
      1000 * cpu / messages);
  std::filesystem::remove_all(directory);
}
