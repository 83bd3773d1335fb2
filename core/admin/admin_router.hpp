// Maps method + exact path to a handler, with the HTTP rules around it: 404, 405 + Allow,
// HEAD answered by the GET handler, and a throwing handler turned into a 500.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/admin/admin_http.hpp"
#include "junction/logger.hpp"

namespace junction {

class AdminRouter {
 public:
  explicit AdminRouter(Logger& logger) : logger_(logger) {}

  /// Adds or replaces the handler for `method` on `path`. Throws std::invalid_argument on an
  /// empty method, a path not starting with '/', or an empty handler.
  void add(std::string method, std::string path, AdminHandler handler);

  bool has(std::string_view method, std::string_view path) const;

  /// Never throws. HEAD requests get the GET response with its body; dropping the body is
  /// the transport's job, since Content-Length must still describe it.
  AdminResponse dispatch(const AdminRequest& request) const;

 private:
  AdminResponse call(const AdminHandler& handler, const AdminRequest& request) const;

  Logger& logger_;
  std::map<std::string, std::map<std::string, AdminHandler>, std::less<>> routes_;  // path → method → handler
};

}  // namespace junction
