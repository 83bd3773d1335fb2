#include "core/calls/cdr_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace junction {

CdrFile::~CdrFile() {
  if (fd_ >= 0) ::close(fd_);
}

void CdrFile::reopen_if_moved() {
  // Rotation: when the path no longer names the open file, start a new one.
  struct stat open_file {};
  struct stat named {};
  if (fd_ >= 0 && ::fstat(fd_, &open_file) == 0 && ::stat(path_.c_str(), &named) == 0 &&
      open_file.st_ino == named.st_ino && open_file.st_dev == named.st_dev)
    return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_.string() + ": " + std::strerror(errno));
}

void CdrFile::append(const std::string& line) {
  std::lock_guard lock(mutex_);
  reopen_if_moved();
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace junction
