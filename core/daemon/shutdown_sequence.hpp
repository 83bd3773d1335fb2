// Graceful stop on SIGINT/SIGTERM: refuse new calls, let running calls finish for up to
// shutdown.drain_timeout_ms, then stop the remaining flows, stop plugins in reverse order and
// close the admin listener. Runs on the call loop.
#pragma once

#include <functional>
#include <vector>

#include "core/admin/admin_server.hpp"
#include "core/daemon/daemon_parts.hpp"
#include "core/daemon/health_report.hpp"

namespace junction {

class ShutdownSequence {
 public:
  ShutdownSequence(DaemonParts& parts, AdminServer& admin, HealthReport& health)
      : parts_(parts), admin_(admin), health_(health) {}

  void begin();
  void on_done(std::function<void()> callback) { done_callbacks_.push_back(std::move(callback)); }

 private:
  void wait_for_calls();
  void finish();

  DaemonParts& parts_;
  AdminServer& admin_;
  HealthReport& health_;
  bool started_ = false;
  Clock::time_point deadline_{};
  std::vector<std::function<void()>> done_callbacks_;
};

}  // namespace junction
