#include "core/daemon/health_report.hpp"

#include "core/text/text_formats.hpp"

namespace junction {

HealthReport::HealthReport(DaemonParts& parts)
    : node_id_(parts.config.node_id),
      started_(Clock::now()),
      calls_(parts.metrics.gauge("junction_calls_active", "Calls in progress")),
      generation_(parts.metrics.gauge("junction_script_generation", "Generation of the scripts new calls run")) {
  plugins_json_ = "[";
  for (const auto& plugin : parts.plugins->plan()) {
    if (plugins_json_.size() > 1) plugins_json_ += ",";
    plugins_json_ += "{\"name\":" + json_string(plugin.name) + ",\"version\":" + json_string(plugin.version) + "}";
  }
  plugins_json_ += "]";
}

AdminResponse HealthReport::respond() const {
  const bool stopping = stopping_.load();
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
  AdminResponse response;
  response.status = stopping ? 503 : 200;
  response.content_type = "application/json";
  response.body = std::string("{\"status\":\"") + (stopping ? "stopping" : "ok") +
                  "\",\"node\":" + json_string(node_id_) +
                  ",\"version\":\"" JUNCTION_VERSION "\",\"uptime_seconds\":" + std::to_string(uptime) +
                  ",\"active_calls\":" + std::to_string(static_cast<long long>(calls_.value())) +
                  ",\"script_generation\":" + std::to_string(static_cast<long long>(generation_.value())) +
                  ",\"plugins\":" + plugins_json_ + "}\n";
  return response;
}

}  // namespace junction
