#include "core/log/log_sink.hpp"

#include <chrono>
#include <ctime>

namespace junction {

namespace {
// Newlines inside a message would break the one-line-per-event contract.
void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
}
}  // namespace

void LogSink::write(LogLevel level, std::string_view component, std::string_view context, std::string_view message) {
  if (!enabled(level)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  std::string line;
  line.reserve(64 + message.size());
  line += stamp;
  line += ' ';
  std::string_view name = to_string(level);
  line += name;
  line.append(6 - name.size(), ' ');
  line += '[';
  line += component;
  line += "] ";
  if (!context.empty()) {
    line += context;
    line += ' ';
  }
  append_escaped(line, message);
  line += '\n';
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace junction
