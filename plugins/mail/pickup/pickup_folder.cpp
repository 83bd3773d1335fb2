#include "pickup_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace junction::mail {

namespace {
std::string failure(const std::filesystem::path& path, const char* what) {
  return path.string() + ": " + what + ": " + std::strerror(errno);
}
}  // namespace

DeliveryResult drop_into_folder(const std::filesystem::path& folder, const std::string& name, const std::string& mail) {
  const auto final_path = folder / (name + ".eml");
  const auto temporary = folder / ("." + name + ".eml.tmp");
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec))
    return {DeliveryResult::Outcome::delivered, "already in " + folder.string()};
  std::filesystem::create_directories(folder, ec);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return {DeliveryResult::Outcome::retry, failure(temporary, "open")};
  std::size_t written = 0;
  while (written < mail.size()) {
    const ssize_t n = ::write(fd, mail.data() + written, mail.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = failure(temporary, "write");
      ::close(fd);
      ::unlink(temporary.c_str());
      return {DeliveryResult::Outcome::retry, why};
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = failure(temporary, "fsync");
    ::close(fd);
    ::unlink(temporary.c_str());
    return {DeliveryResult::Outcome::retry, why};
  }
  ::close(fd);
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    const std::string why = failure(final_path, "rename");
    ::unlink(temporary.c_str());
    return {DeliveryResult::Outcome::retry, why};
  }
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || ::fsync(dir) != 0) {
    const std::string why = failure(folder, "fsync");
    if (dir >= 0) ::close(dir);
    return {DeliveryResult::Outcome::retry, why};  // written, but not surely durable: again (same name)
  }
  ::close(dir);
  return {DeliveryResult::Outcome::delivered, "written to " + final_path.string()};
}

}  // namespace junction::mail
