// One accepted admin client, served with Beast. This header stays free of Beast so that
// only admin_connection.cpp pays for compiling it.
#pragma once

#include <memory>

#include "core/asio.hpp"

namespace junction {

class AdminMetrics;
class AdminRouter;
class Logger;
struct AdminLimits;

/// What every connection shares with the server. All of it outlives every connection:
/// the server only stops after its io_context ran out of work.
struct AdminConnectionContext {
  const AdminRouter& router;
  const AdminLimits& limits;
  AdminMetrics& metrics;
  Logger& logger;
};

/// A connection is owned by its own pending operations; the server keeps only weak handles,
/// to count open connections and to close them on stop.
class AdminConnection {
 public:
  virtual ~AdminConnection() = default;
  /// Closes the socket now; pending operations end and nothing new starts. Admin thread only.
  virtual void close() = 0;
};

/// Serves HTTP/1.1 (keep-alive included) on `socket` until the client leaves, a limit is hit,
/// or close() is called. Must be called on the thread running the socket's io_context.
std::shared_ptr<AdminConnection> start_admin_connection(asio::ip::tcp::socket socket,
                                                        const AdminConnectionContext& context);

}  // namespace junction
