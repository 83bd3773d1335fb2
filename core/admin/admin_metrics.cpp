#include "core/admin/admin_metrics.hpp"

#include <string>

namespace junction {

AdminMetrics::AdminMetrics(Metrics& metrics)
    : metrics_(metrics),
      rejected_connections_(metrics.counter("junction_admin_connections_rejected_total",
                                            "Admin connections closed at once because too many were open.")) {}

void AdminMetrics::count_response(int status) {
  Counter*& counter = responses_by_status_[status];
  if (counter == nullptr) {
    counter = &metrics_.counter("junction_admin_requests_total", "Admin HTTP responses sent, by status code.",
                                {{"status", std::to_string(status)}});
  }
  counter->add();
}

}  // namespace junction
