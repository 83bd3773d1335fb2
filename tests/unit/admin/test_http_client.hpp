// A small blocking HTTP/1.1 client over plain POSIX sockets, for talking to the admin
// listener byte by byte (garbage included). Every read has a timeout, so a server bug fails
// the test instead of hanging it; tests synchronise on these reads, never on sleeps.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace junction::test {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  /// The header's value, or "" when absent. `name` in lower case.
  std::string header(const std::string& name) const;
};

class TestConnection {
 public:
  /// Connects to 127.0.0.1:port. Throws std::runtime_error on failure.
  explicit TestConnection(std::uint16_t port, std::chrono::milliseconds read_timeout = std::chrono::seconds(5));
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  /// Sends all bytes. Throws std::runtime_error on failure.
  void send(std::string_view bytes);

  /// Reads one response; the body by Content-Length (none for `head_request`, 1xx, 204, 304).
  /// nullopt if the server closed before a complete response. Throws on timeout.
  std::optional<HttpReply> read_reply(bool head_request = false);

  /// Reads until the server closes the connection, discarding data. True on close or reset,
  /// false on timeout.
  bool wait_closed();

 private:
  // Appends what the socket has to buffer_; false on end of stream or reset. Throws on timeout.
  bool receive_more();

  int fd_ = -1;
  std::string buffer_;  // received, not yet consumed
};

/// Sends one request with "Connection: close" and returns the reply. Throws if there is none.
HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                       std::string_view body = {});

}  // namespace junction::test
