// A Logger that keeps its lines so tests can assert on what was logged. Thread-safe: the
// admin thread writes while the test thread reads.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "junction/logger.hpp"

namespace junction::test {

class RecordingLogger final : public Logger {
 public:
  bool enabled(LogLevel) const override { return true; }

  void write(LogLevel level, std::string_view, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::string(to_string(level)) + " " + std::string(message));
  }

  bool contains(std::string_view fragment) const {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_)
      if (line.find(fragment) != std::string::npos) return true;
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace junction::test
