#include "core/storage/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace junction {

void write_durably(const std::filesystem::path& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      throw std::runtime_error(path.string() + ": " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced) throw std::runtime_error(path.string() + ": fsync: " + std::strerror(error));
}

void sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(directory.string() + ": " + std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced) throw std::runtime_error(directory.string() + ": fsync: " + std::strerror(error));
}

void copy_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw std::runtime_error(from.string() + ": cannot be read");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(from.string() + ": cannot be read");
  const std::filesystem::path partial = to.string() + ".partial";
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // left by a crash
  write_durably(partial, data);
  std::filesystem::rename(partial, to, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    throw std::runtime_error(to.string() + ": " + ec.message());
  }
  sync_directory(to.parent_path());
}

}  // namespace junction
