// Messages delivered per second from the spool, and how long each takes from its accept to its
// delivery. Voicemail-sized messages (110 KB parts) are handed to MessageSpoolService and the
// DeliveryScheduler hands them (`parallel` at a time, on delivery threads of their own, `parallel`
// of them unless --workers says otherwise, as junctiond does) to a connector:
//
//  * pickup (default): each is composed as a MIME mail and written into a pickup folder, fsynced,
//    as the `pickup` plugin does;
//  * --smtp URL: each is composed the same way and sent by the smtp plugin's own SmtpSender
//    (plugins/mail/smtp/smtp_sender.cpp, libcurl), e.g. to Postfix's smtp-sink on 127.0.0.1.
//
// Modes:
//  * burst (default): all messages accepted at once; accepted/s, delivered/s, CPU per message;
//  * serial: one message at a time, the next only `--gap-ms` after the previous was delivered
//    (latency on an idle system);
//  * rate: `--rate R` messages per second, evenly spaced (latency under a steady load).
// Every mode prints the latency from the accept call to the connector's "delivered" (for SMTP:
// the server's 250 after DATA; connections stay open for the next mail) with p50/p99/max. `--recording` first writes
// each message as a WAV file with the media plugin's save_wav (the record verb's code, fsync
// included) on a worker and reads it back, as a hang-up and save_message{} do, and reports that
// step and the whole from the start of the write.
//
//   delivery_bench [messages] [directory] [--smtp URL] [--mode burst|serial|rate] [--rate R]
//                  [--parallel N] [--workers N] [--poll-ms N] [--part-bytes N] [--recording]
//                  [--gap-ms N] [--timeout-s N] [--label TEXT]
// Defaults: 1000 messages, a fresh directory inside /tmp (or inside the one given), burst, parallel 8, delivery threads = parallel, the daemon's
// 1000 ms poll, 110,000-byte parts, 300 s at most. A last line "RESULT key=value ..." is for
// scripts (bench/messages/run_delivery_smtp.sh).
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <unordered_map>

#include "audio_file.hpp"
#include "core/asio.hpp"
#include "core/exec/asio_executor.hpp"
#include "core/exec/thread_worker_pool.hpp"
#include "core/log/log_sink.hpp"
#include "core/messages/delivery_scheduler.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "mail_composer.hpp"
#include "pickup_folder.hpp"
#include "smtp_sender.hpp"

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

// When each message reached the far side (set on the worker that delivered it); `then` runs on
// the loop after each attempt.
class Deliveries {
 public:
  Deliveries(Executor& loop, std::function<void()> then) : loop_(loop), then_(std::move(then)) {}
  void delivered(const std::string& id) {
    const auto now = Clock::now();
    {
      std::lock_guard guard(lock_);
      at_[id] = now;
    }
    loop_.post(then_);
  }
  void failed(const std::string& detail) {
    {
      std::lock_guard guard(lock_);
      if (failures_++ == 0) first_failure_ = detail;
    }
    loop_.post(then_);
  }
  std::size_t count() {
    std::lock_guard guard(lock_);
    return at_.size();
  }
  std::size_t failures() {
    std::lock_guard guard(lock_);
    return failures_;
  }
  std::string first_failure() {
    std::lock_guard guard(lock_);
    return first_failure_;
  }
  bool find(const std::string& id, Clock::time_point& at) {
    std::lock_guard guard(lock_);
    auto it = at_.find(id);
    if (it == at_.end()) return false;
    at = it->second;
    return true;
  }

 private:
  Executor& loop_;
  std::function<void()> then_;
  std::mutex lock_;
  std::unordered_map<std::string, Clock::time_point> at_;
  std::size_t failures_ = 0;
  std::string first_failure_;
};

// What the `pickup` plugin does: the composed mail into a folder, fsynced.
class PickupSink final : public MessageConnector {
 public:
  PickupSink(std::filesystem::path folder, const Directory& users, Deliveries& log)
      : folder_(std::move(folder)), users_(users), log_(log) {}
  std::string_view name() const override { return "pickup"; }
  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::string problem;
    const auto to = mail::mail_addresses(message, users_, problem);
    auto result = mail::drop_into_folder(folder_, message.id, mail::compose_mail(message, parts, to, {}));
    note(log_, message, result);
    return result;
  }
  static void note(Deliveries& log, const MessageRecord& message, const DeliveryResult& result) {
    if (result.outcome == DeliveryResult::Outcome::delivered)
      log.delivered(message.id);
    else
      log.failed(result.detail);
  }

 private:
  std::filesystem::path folder_;
  const Directory& users_;
  Deliveries& log_;
};

// What the `smtp` plugin's connector does (smtp_plugin.cpp: addresses, compose, SmtpSender).
class SmtpSink final : public MessageConnector {
 public:
  SmtpSink(const std::string& url, const Directory& users, Deliveries& log)
      : sender_({{url, "optional", "", ""}}, "voicemail@junction.invalid", std::chrono::seconds(60),
                std::chrono::seconds(60)),
        users_(users),
        log_(log) {}
  std::string_view name() const override { return "smtp"; }
  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::string problem;
    const auto to = mail::mail_addresses(message, users_, problem);
    if (to.empty()) return {DeliveryResult::Outcome::failed, "no address to deliver to: " + problem};
    const std::string mail = mail::compose_mail(message, parts, to, {});
    bytes_ = mail.size();
    auto result = sender_.send(mail, to);
    PickupSink::note(log_, message, result);
    return result;
  }
  std::size_t bytes() const { return bytes_; }

 private:
  mail::SmtpSender sender_;
  const Directory& users_;
  Deliveries& log_;
  std::atomic<std::size_t> bytes_{0};
};

double cpu_seconds(bool kernel_only = false) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double kernel = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  return kernel_only ? kernel : kernel + usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
  std::size_t n = 0;
};

Percentiles percentiles(std::vector<double> ms) {
  Percentiles p;
  p.n = ms.size();
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  auto at = [&ms](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size())));
    return ms[std::min(ms.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = ms.back();
  return p;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Options {
  std::size_t messages = 1000;
  std::filesystem::path directory;
  std::string smtp;  // empty: pickup folder
  std::string mode = "burst";
  double rate = 100;
  std::size_t parallel = 8;
  unsigned workers = 0;  // delivery threads; 0: `parallel` of them, as junctiond
  int poll_ms = 1000;
  std::size_t part_bytes = 110000;
  bool recording = false;
  int gap_ms = 20;
  int timeout_s = 300;
  std::string label;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "delivery_bench: %s\nusage: delivery_bench [messages] [directory] [--smtp URL] [--mode "
               "burst|serial|rate] [--rate R] [--parallel N] [--workers N] [--poll-ms N] [--part-bytes N] "
               "[--recording] [--gap-ms N] [--timeout-s N] [--label TEXT]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--smtp")
      o.smtp = value();
    else if (arg == "--mode")
      o.mode = value();
    else if (arg == "--rate")
      o.rate = std::stod(value());
    else if (arg == "--parallel")
      o.parallel = std::stoul(value());
    else if (arg == "--workers")
      o.workers = static_cast<unsigned>(std::stoul(value()));
    else if (arg == "--poll-ms")
      o.poll_ms = std::stoi(value());
    else if (arg == "--part-bytes")
      o.part_bytes = std::stoul(value());
    else if (arg == "--recording")
      o.recording = true;
    else if (arg == "--gap-ms")
      o.gap_ms = std::stoi(value());
    else if (arg == "--timeout-s")
      o.timeout_s = std::stoi(value());
    else if (arg == "--label")
      o.label = value();
    else if (arg.rfind("--", 0) == 0)
      usage(("unknown option " + arg).c_str());
    else if (positional == 0 && ++positional)
      o.messages = std::stoul(arg);
    else if (positional == 1 && ++positional)
      o.directory = arg;
    else
      usage("too many arguments");
  }
  if (o.mode != "burst" && o.mode != "serial" && o.mode != "rate") usage("--mode is burst, serial or rate");
  if (o.messages == 0 || o.parallel == 0 || o.rate <= 0 || o.part_bytes < 100 || o.timeout_s <= 0 || o.poll_ms <= 0)
    usage("counts, rates and times must be positive");
  if (!o.smtp.empty() && o.smtp.rfind("smtp://127.", 0) != 0 && o.smtp.rfind("smtp://localhost", 0) != 0)
    usage("--smtp must be a loopback smtp:// URL");
  // A directory of its own inside the one given (the disk to measure): only that is removed.
  if (o.directory.empty()) o.directory = std::filesystem::temp_directory_path();
  o.directory /= "delivery-bench-" + std::to_string(std::random_device{}());
  return o;
}

// One message's times.
struct Track {
  Clock::time_point hangup{};    // --recording: the WAV write began
  Clock::time_point call{};      // spool.accept() called
  Clock::time_point accepted{};  // its "stored" answer arrived on the loop
  std::string id;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any worker uses libcurl, as the smtp plugin does
  std::filesystem::remove_all(o.directory);
  std::filesystem::create_directories(o.directory / "recordings");
  asio::io_context io;
  AsioExecutor loop(io);
  // As junctiond: deliveries on threads of their own, the recording's file work on the 2 workers.
  ThreadWorkerPool workers(2);
  const unsigned delivery_threads = o.workers ? o.workers : static_cast<unsigned>(o.parallel);
  ThreadWorkerPool delivery_workers(delivery_threads);
  MetricsRegistry metrics;
  LogSink sink(stderr, LogLevel::error);
  ComponentLogger log(sink, "spool");
  ServiceRegistry registry;
  Users users;
  std::function<void()> after_delivery;  // set below, by the mode
  Deliveries deliveries(loop, [&after_delivery] { after_delivery(); });
  std::shared_ptr<SmtpSink> smtp;
  if (o.smtp.empty()) {
    registry.add_connector("bench", std::make_shared<PickupSink>(o.directory / "mail", users, deliveries));
  } else {
    smtp = std::make_shared<SmtpSink>(o.smtp, users, deliveries);
    registry.add_connector("bench", smtp);
  }
  MessageStore::Options options;
  options.directory = o.directory / "spool";
  options.reserve_bytes = 0;
  MessageSpoolService spool(options, loop, metrics);
  DeliverySettings settings;
  settings.connector = o.smtp.empty() ? "pickup" : "smtp";
  settings.parallel = o.parallel;
  settings.poll = std::chrono::milliseconds(o.poll_ms);
  DeliveryScheduler scheduler(spool, options.directory, registry, loop, delivery_workers, log, metrics, settings);
  scheduler.start();

  // The "recording": 8 kHz 16-bit samples, as many as make a WAV of part_bytes.
  std::vector<std::int16_t> samples((o.part_bytes - 44) / 2);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<std::int16_t>(8000 * std::sin(static_cast<double>(i) * 0.05) + (i * 7919) % 1024);
  const std::string audio(o.part_bytes, 'a');

  std::vector<Track> tracks(o.messages);
  std::size_t issued = 0, accepted = 0, refused = 0;
  std::string refusal;
  Clock::time_point all_accepted{};

  auto accept = [&](std::size_t index, std::string data) {
    NewMessage m;
    m.sender = "+4930123456";
    m.recipients = {"1001"};
    m.headers = {{"Caller-Name", "Bench"}, {"Duration", "10"}};
    m.parts = {{"message.wav", "audio/wav", std::move(data)}};
    tracks[index].call = Clock::now();
    spool.accept(std::move(m), [&, index](const std::string& id, const std::string& error) {
      tracks[index].accepted = Clock::now();
      tracks[index].id = id;
      if (id.empty()) {
        if (refused++ == 0) refusal = error;
        after_delivery();  // serial: go on with the next
      } else {
        ++accepted;
        scheduler.kick();  // as the daemon's SpoolAccess does after every accept
      }
      if (accepted + refused == o.messages) all_accepted = tracks[index].accepted;
    });
  };
  // One message as the flow would hand it over: straight away, or (--recording) after the
  // record verb's write of the WAV and save_message{}'s read of it, both on a worker.
  auto issue = [&]() {
    const std::size_t index = issued++;
    if (!o.recording) return accept(index, audio);
    tracks[index].hangup = Clock::now();
    auto data = std::make_shared<std::string>();
    auto problem = std::make_shared<std::string>();
    const auto path = o.directory / "recordings" / ("voicemail-" + std::to_string(index) + ".wav");
    workers.run(
        [data, problem, path, &samples] {
          try {
            media::save_wav(path, samples, 8000);
            std::ifstream in(path, std::ios::binary);
            data->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
          } catch (const std::exception& e) {
            *problem = e.what();
          }
        },
        loop,
        [&, index, data, problem] {
          if (problem->empty()) return accept(index, std::move(*data));
          if (refused++ == 0) refusal = "recording: " + *problem;  // counted as refused
          if (accepted + refused == o.messages) all_accepted = Clock::now();
          after_delivery();
        });
  };

  // Everything runs from the loop's own timers and posts (no polling), so that the CPU figure
  // of the paced modes is the spool's and the connector's, not the harness's.
  const double cpu_start = cpu_seconds(), kernel_start = cpu_seconds(true);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.timeout_s);
  auto finished = [&] { return deliveries.count() + refused >= o.messages; };
  std::function<void()> tick;
  after_delivery = [] {};
  if (o.mode == "burst") {
    while (issued < o.messages) issue();
  } else if (o.mode == "serial") {
    // The next message once the previous one is delivered (or refused), after the gap.
    after_delivery = [&] {
      if (issued < o.messages) loop.call_after(std::chrono::milliseconds(o.gap_ms), issue);
    };
    issue();
  } else {
    const auto every = std::chrono::milliseconds(std::max(1, static_cast<int>(1000 / o.rate)));
    tick = [&] {
      const double due = std::chrono::duration<double>(Clock::now() - start).count() * o.rate + 1;
      while (issued < o.messages && static_cast<double>(issued) < due) issue();
      if (issued < o.messages) loop.call_after(every, tick);
    };
    tick();
  }
  while (!finished() && Clock::now() < deadline) io.run_for(std::chrono::milliseconds(20));
  const auto end = Clock::now();
  const double seconds = std::chrono::duration<double>(end - start).count();
  const double cpu = cpu_seconds() - cpu_start, kernel = cpu_seconds(true) - kernel_start;
  if (all_accepted == Clock::time_point{}) all_accepted = end;
  const double accept_seconds = std::chrono::duration<double>(all_accepted - start).count();
  const std::size_t delivered = deliveries.count();

  std::vector<double> write_read, to_accept, to_delivered, from_hangup;
  for (const Track& t : tracks) {
    if (t.id.empty()) continue;
    to_accept.push_back(ms_between(t.call, t.accepted));
    Clock::time_point at;
    if (!deliveries.find(t.id, at)) continue;
    to_delivered.push_back(ms_between(t.call, at));
    if (o.recording) {
      write_read.push_back(ms_between(t.hangup, t.call));
      from_hangup.push_back(ms_between(t.hangup, at));
    }
  }
  const auto a = percentiles(to_accept), d = percentiles(to_delivered), w = percentiles(write_read),
             h = percentiles(from_hangup);
  const char* where = o.smtp.empty() ? "the pickup folder" : o.smtp.c_str();
  std::printf("%s%s%zu messages (%zu-byte part%s), mode %s%s, parallel %zu, %u delivery threads, delivered to %s\n",
              o.label.c_str(), o.label.empty() ? "" : ": ", o.messages, o.part_bytes,
              smtp ? (", " + std::to_string(smtp->bytes()) + " bytes on the wire").c_str() : "", o.mode.c_str(),
              o.mode == "rate" ? (" " + std::to_string(static_cast<int>(o.rate)) + "/s").c_str() : "", o.parallel,
              delivery_threads, where);
  std::printf(
      "  accepted %zu in %.2f s (%.0f/s), delivered %zu in %.2f s (%.0f/s end to end), %.2f ms CPU/message (%.2f in "
      "the kernel)\n",
      accepted, accept_seconds, accepted / accept_seconds, delivered, seconds, delivered / seconds,
      1000 * cpu / o.messages, 1000 * kernel / o.messages);
  std::printf("  accept call -> stored:    p50 %7.2f  p99 %7.2f  max %7.2f ms\n", a.p50, a.p99, a.max);
  std::printf("  accept call -> delivered: p50 %7.2f  p99 %7.2f  max %7.2f ms\n", d.p50, d.p99, d.max);
  if (o.recording) {
    std::printf("  WAV write+fsync + read:   p50 %7.2f  p99 %7.2f  max %7.2f ms\n", w.p50, w.p99, w.max);
    std::printf("  write start -> delivered: p50 %7.2f  p99 %7.2f  max %7.2f ms\n", h.p50, h.p99, h.max);
  }
  const std::size_t failures = deliveries.failures();
  if (failures || refused || delivered < o.messages)
    std::printf("  PROBLEM: %zu delivered of %zu, %zu failed attempts (first: %s), %zu refused (first: %s)\n",
                delivered, o.messages, failures, deliveries.first_failure().c_str(), refused, refusal.c_str());
  std::printf(
      "RESULT label=%s mode=%s connector=%s messages=%zu part_bytes=%zu wire_bytes=%zu parallel=%zu workers=%u "
      "rate=%.0f accepted_per_s=%.1f delivered_per_s=%.1f cpu_ms_per_msg=%.3f sys_ms_per_msg=%.3f accept_p50_ms=%.2f "
      "accept_p99_ms=%.2f "
      "delivered_p50_ms=%.2f delivered_p99_ms=%.2f delivered_max_ms=%.2f write_read_p50_ms=%.2f "
      "hangup_p50_ms=%.2f hangup_p99_ms=%.2f delivered=%zu failures=%zu refused=%zu\n",
      o.label.empty() ? "-" : o.label.c_str(), o.mode.c_str(), o.smtp.empty() ? "pickup" : "smtp", o.messages,
      o.part_bytes, smtp ? smtp->bytes() : std::size_t{0}, o.parallel, delivery_threads,
      o.mode == "rate" ? o.rate : 0.0, accepted / accept_seconds, delivered / seconds, 1000 * cpu / o.messages,
      1000 * kernel / o.messages, a.p50, a.p99, d.p50, d.p99, d.max, w.p50, h.p50, h.p99, delivered, failures, refused);
  std::fflush(stdout);
  std::filesystem::remove_all(o.directory);
  return delivered == o.messages && failures == 0 ? 0 : 1;
}
