#include "test_http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace junction::test {

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

std::runtime_error socket_error(const std::string& what) {
  return std::runtime_error("test client: " + what + ": " + std::strerror(errno));
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

TestConnection::TestConnection(std::uint16_t port, std::chrono::milliseconds read_timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw socket_error("socket");
  timeval timeout{};
  timeout.tv_sec = static_cast<time_t>(read_timeout.count() / 1000);
  timeout.tv_usec = static_cast<suseconds_t>((read_timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const auto error = socket_error("connect");
    ::close(fd_);
    throw error;
  }
}

TestConnection::~TestConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void TestConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a server that closed early must fail the test, not kill it with SIGPIPE.
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw socket_error("send");
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

bool TestConnection::receive_more() {
  char chunk[4096];
  for (;;) {
    const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(received));
      return true;
    }
    if (received == 0) return false;
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) return false;
    if (errno == EAGAIN || errno == EWOULDBLOCK) throw std::runtime_error("test client: read timed out");
    throw socket_error("recv");
  }
}

std::optional<HttpReply> TestConnection::read_reply(bool head_request) {
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!receive_more()) return std::nullopt;
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  HttpReply reply;
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  const auto space = status_line.find(' ');
  if (status_line.rfind("HTTP/1.", 0) != 0 || space == std::string::npos) {
    throw std::runtime_error("test client: bad status line: " + status_line);
  }
  reply.status = std::stoi(status_line.substr(space + 1, 3));
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("test client: bad header line: " + line);
    reply.headers[lower(line.substr(0, colon))] = trim(std::string_view(line).substr(colon + 1));
  }

  const bool no_body = head_request || reply.status / 100 == 1 || reply.status == 204 || reply.status == 304;
  const std::string length = reply.header("content-length");
  if (!no_body && !length.empty()) {
    const std::size_t size = std::stoul(length);
    while (buffer_.size() < size) {
      if (!receive_more()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
  }
  return reply;
}

bool TestConnection::wait_closed() {
  try {
    while (receive_more()) buffer_.clear();
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target, std::string_view body) {
  TestConnection connection(port);
  std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "Connection: close\r\n\r\n";
  request += body;
  connection.send(request);
  auto reply = connection.read_reply(method == "HEAD");
  if (!reply) throw std::runtime_error("test client: connection closed without a reply");
  return *reply;
}

}  // namespace junction::test
