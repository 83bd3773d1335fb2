// Where log lines go: one structured line per event, written atomically to a stream.
#pragma once

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "junction/logger.hpp"

namespace junction {

/// Thread-safe writer of lines like
///   2026-11-22T07:10:00.123Z info  [lua] call=c-7 script flows/default.lua:12: boom
class LogSink {
 public:
  explicit LogSink(std::FILE* out = stderr, LogLevel level = LogLevel::info) : out_(out), level_(level) {}

  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  bool enabled(LogLevel level) const { return level >= this->level() && level != LogLevel::off; }

  void write(LogLevel level, std::string_view component, std::string_view context, std::string_view message);

 private:
  std::FILE* out_;
  std::atomic<LogLevel> level_;
  std::mutex mutex_;
};

/// A Logger whose lines carry a fixed component name ("core", a plugin's name ...).
class ComponentLogger final : public Logger {
 public:
  ComponentLogger(LogSink& sink, std::string component) : sink_(sink), component_(std::move(component)) {}
  bool enabled(LogLevel level) const override { return sink_.enabled(level); }
  void write(LogLevel level, std::string_view context, std::string_view message) override {
    sink_.write(level, component_, context, message);
  }

 private:
  LogSink& sink_;
  std::string component_;
};

}  // namespace junction
