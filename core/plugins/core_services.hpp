// The daemon's services that the plugin host hands to plugins through their Host.
#pragma once

#include <filesystem>
#include <string>

#include "core/log/log_sink.hpp"
#include "core/plugins/service_registry.hpp"
#include "junction/call.hpp"
#include "junction/directory.hpp"
#include "junction/executor.hpp"
#include "junction/location.hpp"
#include "junction/mailboxes.hpp"
#include "junction/messages.hpp"
#include "junction/metrics.hpp"

namespace junction {

struct CoreServices {
  Executor& executor;
  WorkerPool& workers;
  LogSink& log;
  Metrics& metrics;
  const Directory& directory;
  CallEngine& calls;
  LocationService& location;
  MessageSpool& messages;
  const Mailboxes& mailboxes;
  ServiceRegistry& registry;
  std::string node_id;
  std::filesystem::path recordings_directory;  ///< absolute
};

}  // namespace junction
