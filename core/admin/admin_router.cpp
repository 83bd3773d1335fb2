#include "core/admin/admin_router.hpp"

#include <exception>
#include <stdexcept>

namespace junction {

namespace {

AdminResponse plain(int status, std::string body) {
  AdminResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string allowed_methods(const std::map<std::string, AdminHandler>& methods) {
  std::string allow;
  const auto append = [&](std::string_view method) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  };
  for (const auto& [method, handler] : methods) {
    append(method);
    if (method == "GET" && !methods.contains("HEAD")) append("HEAD");
  }
  return allow;
}

}  // namespace

void AdminRouter::add(std::string method, std::string path, AdminHandler handler) {
  if (method.empty()) throw std::invalid_argument("admin: route method is empty");
  if (path.empty() || path.front() != '/')
    throw std::invalid_argument("admin: route path must start with '/': " + path);
  if (!handler) throw std::invalid_argument("admin: route " + method + " " + path + " has no handler");
  routes_[std::move(path)][std::move(method)] = std::move(handler);
}

bool AdminRouter::has(std::string_view method, std::string_view path) const {
  const auto route = routes_.find(path);
  return route != routes_.end() && route->second.contains(std::string(method));
}

AdminResponse AdminRouter::dispatch(const AdminRequest& request) const {
  const auto route = routes_.find(request.target);
  if (route == routes_.end()) return plain(404, "not found: " + request.target + "\n");

  const auto& methods = route->second;
  auto handler = methods.find(request.method);
  if (handler == methods.end() && request.method == "HEAD") handler = methods.find("GET");
  if (handler == methods.end()) {
    AdminResponse response = plain(405, "method not allowed: " + request.method + "\n");
    response.headers.emplace_back("Allow", allowed_methods(methods));
    return response;
  }
  return call(handler->second, request);
}

AdminResponse AdminRouter::call(const AdminHandler& handler, const AdminRequest& request) const {
  const std::string route = request.method + " " + request.target;
  try {
    AdminResponse response = handler(request);
    // A status the HTTP layer cannot send is a handler bug; report it like one.
    if (response.status < 100 || response.status > 599) {
      logger_.error("admin: handler for " + route + " returned status " + std::to_string(response.status));
      return plain(500, "internal error\n");
    }
    return response;
  } catch (const std::exception& e) {
    logger_.error("admin: handler for " + route + " threw: " + e.what());
  } catch (...) {
    logger_.error("admin: handler for " + route + " threw a non-standard exception");
  }
  return plain(500, "internal error\n");
}

}  // namespace junction
