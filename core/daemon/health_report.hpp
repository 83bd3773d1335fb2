// GET /health: the daemon's state as JSON. Runs on the admin thread, so it reads only what is
// fixed after start-up or kept in atomics (metrics).
#pragma once

#include <atomic>
#include <string>

#include "core/admin/admin_http.hpp"
#include "core/daemon/daemon_parts.hpp"

namespace junction {

class HealthReport {
 public:
  explicit HealthReport(DaemonParts& parts);
  AdminResponse respond() const;
  /// From now on /health answers 503 "stopping", so load balancers move traffic away.
  void mark_stopping() { stopping_ = true; }

 private:
  std::string node_id_;
  std::string plugins_json_;
  Clock::time_point started_;
  Gauge& calls_;
  Gauge& generation_;
  std::atomic<bool> stopping_{false};
};

}  // namespace junction
