// What an admin route sees and answers: plain strings, no HTTP library types, so that the
// daemon and plugins can add routes without compiling Beast.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace junction {

struct AdminRequest {
  std::string method;  // "GET", "HEAD", "POST" ...
  std::string target;  // path without query, e.g. "/health"
  std::string query;   // after '?', undecoded; empty if none
  std::string body;
};

// Every member has a default initializer so that designated initializers such as
// AdminResponse{.body = "..."} compile cleanly under -Wextra (-Wmissing-field-initializers).
struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
  /// Extra header fields (e.g. {"Allow", "GET, HEAD"}); Content-Length and Connection are set by the server.
  std::vector<std::pair<std::string, std::string>> headers{};
};

/// Runs on the admin thread, one request at a time; it must not block for long (it holds up
/// every other admin client) and must not call AdminServer::stop().
using AdminHandler = std::function<AdminResponse(const AdminRequest&)>;

}  // namespace junction
