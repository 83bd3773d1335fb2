// The admin HTTP listener: /metrics for Prometheus, /health for orchestrators, and routes the
// daemon adds. It runs on its own io_context and thread, so a busy call loop never delays a
// health check. Beast stays behind the pimpl: including this header does not compile it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/admin/admin_http.hpp"
#include "core/admin/admin_limits.hpp"

namespace junction {

class Logger;
class MetricsRegistry;

class AdminServer {
 public:
  /// Built-in routes, added at start() unless the daemon added its own for the same GET path:
  ///   GET /metrics  the registry in Prometheus text format 0.0.4
  ///   GET /health   {"status":"ok"}
  AdminServer(MetricsRegistry& metrics, Logger& logger, AdminLimits limits = {});
  ~AdminServer();  // stops
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  /// Registers a handler for an exact path and method ("GET", "/health"); HEAD is served by the
  /// GET handler. Before start() only (throws std::logic_error after). Replaces an earlier
  /// handler for the same method and path.
  void add_route(std::string method, std::string path, AdminHandler handler);

  /// Binds, listens and starts the admin thread; port 0 picks an ephemeral port. Throws
  /// std::runtime_error("admin: cannot listen on 127.0.0.1:8080: Address already in use") and
  /// the like; std::logic_error if already started. A server starts at most once.
  void start(const std::string& address, std::uint16_t port);

  /// The bound port (0 before start()).
  std::uint16_t port() const;

  /// Closes the listener and every connection, then joins the admin thread. Idempotent.
  /// Waits for a handler already running; must not be called from a handler.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace junction
