// Structured one-line logging. Every line carries who logs and, where there is one,
// the call or message id it is about.
#pragma once

#include <string>
#include <string_view>

namespace junction {

enum class LogLevel { trace = 0, debug, info, warn, error, off };

inline constexpr std::string_view kLogLevelNames[] = {"trace", "debug", "info", "warn", "error", "off"};

/// Parses "trace", "debug", "info", "warn", "error" or "off". Returns false on anything else.
inline bool parse_log_level(std::string_view text, LogLevel& out) {
  for (int i = 0; i < 6; ++i)
    if (kLogLevelNames[i] == text) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  return false;
}
inline std::string_view to_string(LogLevel level) { return kLogLevelNames[static_cast<int>(level)]; }

class Logger {
 public:
  virtual ~Logger() = default;

  virtual bool enabled(LogLevel level) const = 0;

  /// `context` is a call id ("call=c-12"), message id ("msg=m-7") or empty.
  virtual void write(LogLevel level, std::string_view context, std::string_view message) = 0;

  void info(std::string_view message, std::string_view context = {}) { log(LogLevel::info, context, message); }
  void warn(std::string_view message, std::string_view context = {}) { log(LogLevel::warn, context, message); }
  void error(std::string_view message, std::string_view context = {}) { log(LogLevel::error, context, message); }
  void debug(std::string_view message, std::string_view context = {}) { log(LogLevel::debug, context, message); }

 private:
  void log(LogLevel level, std::string_view context, std::string_view message) {
    if (enabled(level)) write(level, context, message);
  }
};

}  // namespace junction
