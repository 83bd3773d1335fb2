#include "core/log/log_sink.hpp"

#include <chrono>

#include "core/text/text_formats.hpp"

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
  std::string line;
  line.reserve(64 + message.size());
  line += iso8601_utc(std::chrono::system_clock::now());
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
