// The admin listener's own metrics. Used on the admin thread only, which is why the
// per-status cache needs no lock.
#pragma once

#include <map>

#include "junction/metrics.hpp"

namespace junction {

class AdminMetrics {
 public:
  explicit AdminMetrics(Metrics& metrics);

  /// junction_admin_requests_total{status="..."}: every response sent, errors included.
  void count_response(int status);

  /// junction_admin_connections_rejected_total: connections closed for exceeding the limit.
  void count_rejected_connection() { rejected_connections_.add(); }

 private:
  Metrics& metrics_;
  std::map<int, Counter*> responses_by_status_;  // avoids the registry's lock after the first use
  Counter& rejected_connections_;
};

}  // namespace junction
