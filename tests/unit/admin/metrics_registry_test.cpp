#include "core/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "exposition_parser.hpp"

namespace junction {
namespace {

using test::parse_exposition;

// The exception's message, so tests can check that it names the culprit.
template <typename Call>
std::string invalid_argument_message(Call&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return {};
}

TEST(MetricsRegistry, SameNameAndLabelsReturnTheSameCounter) {
  MetricsRegistry registry;
  Counter& first = registry.counter("calls_total", "Calls.", {{"driver", "sip"}, {"dir", "in"}});
  Counter& again = registry.counter("calls_total", "Calls.", {{"driver", "sip"}, {"dir", "in"}});
  Counter& reordered = registry.counter("calls_total", "Calls.", {{"dir", "in"}, {"driver", "sip"}});
  Counter& other = registry.counter("calls_total", "Calls.", {{"driver", "loopback"}, {"dir", "in"}});
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(&first, &reordered);
  EXPECT_NE(&first, &other);
  first.add(2);
  EXPECT_EQ(again.value(), 2u);
  EXPECT_EQ(other.value(), 0u);
}

TEST(MetricsRegistry, SameNameAndLabelsReturnTheSameGauge) {
  MetricsRegistry registry;
  Gauge& first = registry.gauge("active_calls", "Calls up.");
  Gauge& again = registry.gauge("active_calls", "Calls up.");
  EXPECT_EQ(&first, &again);
  first.set(4);
  again.add(-1.5);
  EXPECT_DOUBLE_EQ(first.value(), 2.5);
}

TEST(MetricsRegistry, NameReusedWithAnotherTypeThrowsNamingIt) {
  MetricsRegistry registry;
  registry.counter("calls_total", "Calls.");
  const std::string message = invalid_argument_message([&] { registry.gauge("calls_total", "Calls."); });
  EXPECT_NE(message.find("calls_total"), std::string::npos) << message;
  EXPECT_NE(message.find("counter"), std::string::npos) << message;

  registry.gauge("level", "Level.");
  EXPECT_THROW(registry.counter("level", "Level.", {{"x", "1"}}), std::invalid_argument);
}

TEST(MetricsRegistry, MalformedMetricNamesThrowNamingThem) {
  MetricsRegistry registry;
  for (const char* bad : {"", "1abc", "a-b", "a b", "caf\xc3\xa9", "a.b"}) {
    const std::string message = invalid_argument_message([&] { registry.counter(bad, "x"); });
    EXPECT_NE(message.find("'" + std::string(bad) + "'"), std::string::npos) << message;
  }
  for (const char* good : {"a", "_a", ":a", "a:b_c9", "Z"}) EXPECT_NO_THROW(registry.gauge(good, "x")) << good;
}

TEST(MetricsRegistry, MalformedLabelNamesThrowNamingThem) {
  MetricsRegistry registry;
  for (const char* bad : {"", "1x", "a:b", "a-b"}) {
    const std::string message = invalid_argument_message([&] { registry.counter("ok_total", "x", {{bad, "v"}}); });
    EXPECT_NE(message.find("'" + std::string(bad) + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("ok_total"), std::string::npos) << message;
  }
  EXPECT_NO_THROW(registry.counter("ok_total", "x", {{"_x9", "any \"value\" at all\n"}}));
}

TEST(MetricsRegistry, RepeatedLabelThrows) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.counter("x_total", "x", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
}

TEST(MetricsRegistry, ProcessMetricNamesAreReserved) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.gauge("process_open_fds", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("process_cpu_seconds_total", "x"), std::invalid_argument);
}

TEST(MetricsRegistry, ConcurrentIncrementsFromFourThreadsSumCorrectly) {
  MetricsRegistry registry;
  constexpr int kThreads = 4;
  constexpr int kIncrements = 250'000;
  std::vector<Counter*> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Registration races too: every thread must get the one shared counter.
      Counter& counter = registry.counter("hits_total", "Hits.", {{"kind", "test"}});
      Gauge& gauge = registry.gauge("level", "Level.");
      seen[t] = &counter;
      for (int i = 0; i < kIncrements; ++i) {
        counter.add();
        gauge.add(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (Counter* counter : seen) EXPECT_EQ(counter, seen[0]);
  EXPECT_EQ(seen[0]->value(), static_cast<std::uint64_t>(kThreads) * kIncrements);
  // 0.5 steps are exact in binary, so a lost CAS update would show.
  EXPECT_EQ(registry.gauge("level", "Level.").value(), kThreads * kIncrements * 0.5);
}

TEST(MetricsRegistry, RendersHelpTypeAndSamples) {
  MetricsRegistry registry;
  registry.counter("calls_total", "Calls placed.", {{"driver", "sip"}}).add(3);
  registry.counter("calls_total", "Calls placed.", {{"driver", "loopback"}});
  registry.gauge("active_calls", "Calls up.").set(2.5);
  const std::string text = registry.render_prometheus();

  EXPECT_NE(text.find("# HELP active_calls Calls up.\n"
                      "# TYPE active_calls gauge\n"
                      "active_calls 2.5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# HELP calls_total Calls placed.\n"
                      "# TYPE calls_total counter\n"
                      "calls_total{driver=\"loopback\"} 0\n"
                      "calls_total{driver=\"sip\"} 3\n"),
            std::string::npos)
      << text;
}

TEST(MetricsRegistry, RenderedTextParsesWithEscapedLabelsAndHelp) {
  MetricsRegistry registry;
  const std::string awkward = "back\\slash \"quoted\"\nnext line";
  registry.counter("odd_total", "Help with \\ and\nnewline \"quotes\".", {{"value", awkward}, {"b", ""}}).add(7);
  const std::string text = registry.render_prometheus();
  EXPECT_NE(text.find(R"(odd_total{b="",value="back\\slash \"quoted\"\nnext line"} 7)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(# HELP odd_total Help with \\ and\nnewline "quotes".)"), std::string::npos) << text;

  const auto exposition = parse_exposition(text);
  EXPECT_EQ(exposition.value("odd_total", {{"value", awkward}, {"b", ""}}), 7.0);
  EXPECT_EQ(exposition.help.at("odd_total"), "Help with \\ and\nnewline \"quotes\".");
  EXPECT_EQ(exposition.type.at("odd_total"), "counter");
}

TEST(MetricsRegistry, FamiliesAreSortedByNameWithProcessMetricsMergedIn) {
  MetricsRegistry registry;
  registry.gauge("zeta", "z");
  registry.counter("alpha_total", "a");
  registry.gauge("queue_depth", "q");
  const auto exposition = parse_exposition(registry.render_prometheus());
  EXPECT_TRUE(std::is_sorted(exposition.families.begin(), exposition.families.end()));
  EXPECT_EQ(exposition.families.front(), "alpha_total");
  EXPECT_EQ(exposition.families.back(), "zeta");
  for (const auto& family : exposition.families) {
    EXPECT_TRUE(exposition.help.contains(family)) << family;
    EXPECT_TRUE(exposition.type.contains(family)) << family;
  }
}

TEST(MetricsRegistry, GaugeValuesUsePrometheusSpelling) {
  MetricsRegistry registry;
  registry.gauge("g", "g", {{"v", "nan"}}).set(std::nan(""));
  registry.gauge("g", "g", {{"v", "inf"}}).set(INFINITY);
  registry.gauge("g", "g", {{"v", "ninf"}}).set(-INFINITY);
  registry.gauge("g", "g", {{"v", "int"}}).set(-2);
  registry.gauge("g", "g", {{"v", "tenth"}}).set(0.1);
  const std::string text = registry.render_prometheus();
  EXPECT_NE(text.find("g{v=\"nan\"} NaN\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{v=\"inf\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{v=\"ninf\"} -Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{v=\"int\"} -2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{v=\"tenth\"} 0.1\n"), std::string::npos) << text;
  EXPECT_NO_THROW(parse_exposition(text));
}

TEST(MetricsRegistry, ProcessMetricsArePlausible) {
  MetricsRegistry registry;
  const auto exposition = parse_exposition(registry.render_prometheus());
  EXPECT_EQ(exposition.type.at("process_cpu_seconds_total"), "counter");
  EXPECT_EQ(exposition.type.at("process_open_fds"), "gauge");
  EXPECT_GT(exposition.value("process_resident_memory_bytes").value_or(0), 1024 * 1024);
  EXPECT_GE(exposition.value("process_open_fds").value_or(0), 3);  // stdin, stdout, stderr at least
  EXPECT_GE(exposition.value("process_cpu_seconds_total").value_or(-1), 0);
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double started = exposition.value("process_start_time_seconds").value_or(0);
  EXPECT_LE(started, now + 2);  // btime has one-second resolution
  EXPECT_GT(started, now - 3600);
}

}  // namespace
}  // namespace junction
