// Call detail records appended to <state_directory>/cdr.jsonl, one JSON object per line
// (see CallDetailRecord). Appends are whole lines (O_APPEND, one write per record), so the
// file can be tailed and rotated by moving it away: a new one is opened on the next record.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>

namespace junction {

class CdrFile {
 public:
  explicit CdrFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~CdrFile();
  CdrFile(const CdrFile&) = delete;
  CdrFile& operator=(const CdrFile&) = delete;

  /// Appends `line` (which ends with a newline). Thread-safe; blocking: call it from a
  /// worker. Throws std::runtime_error naming the file when it cannot be written.
  void append(const std::string& line);

  const std::filesystem::path& path() const { return path_; }

 private:
  void reopen_if_moved();

  std::filesystem::path path_;
  std::mutex mutex_;
  int fd_ = -1;
};

}  // namespace junction
