// The daemon's services, built in dependency order and destroyed in reverse. Shared by the
// running daemon and `--check`, so both see exactly the same plugins and scripts.
#pragma once

#include <memory>

#include "core/asio.hpp"
#include "core/calls/call_engine.hpp"
#include "core/calls/loopback_driver.hpp"
#include "core/daemon/daemon.hpp"
#include "core/daemon/user_directory.hpp"
#include "core/exec/asio_executor.hpp"
#include "core/exec/thread_worker_pool.hpp"
#include "core/location/location_registry.hpp"
#include "core/log/log_sink.hpp"
#include "core/messages/delivery_scheduler.hpp"
#include "core/messages/spool_access.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "core/plugins/plugin_host.hpp"
#include "core/script/script_runtime.hpp"
#include "core/voicemail/voicemail_service.hpp"

namespace junction {

struct DaemonParts {
  explicit DaemonParts(const DaemonOptions& options);
  ~DaemonParts();

  /// Opens the state directory and restores registrations. Throws std::runtime_error.
  void open_state();
  /// Loads (and configures) the plugins. Throws PluginError.
  void load_plugins();
  /// Starts plugins, loads scripts, wires routing. Throws PluginError / ScriptError / ConfigErrors.
  void start();
  /// Opens the message spool (recovering it) and its deliveries. Part of open_state().
  void open_spool();
  /// Opens the voice mailboxes (recovering them). Part of open_state().
  void open_voicemail();
  /// Gives memory malloc keeps but nothing uses back to the system, every `period`.
  void trim_memory_every(std::chrono::seconds period);
  /// Forgets delivered messages older than `spool.keep_delivered_days`, every `period`.
  void purge_spool_every(std::chrono::seconds period);

  const DaemonConfig& config;
  asio::io_context io;
  AsioExecutor loop{io};
  ThreadWorkerPool workers{2};
  LogSink log;
  ComponentLogger core_log{log, "core"};
  ComponentLogger call_log{log, "calls"};
  ComponentLogger script_log{log, "lua"};
  ComponentLogger spool_log{log, "spool"};
  ComponentLogger voicemail_log{log, "voicemail"};
  MetricsRegistry metrics;
  UserDirectory directory;
  ServiceRegistry registry;
  CallEngineImpl engine{loop, registry, call_log, metrics};
  std::unique_ptr<LocationRegistry> location;
  SpoolAccess spool_access{loop};              // the spool as plugins reach it
  std::unique_ptr<MessageSpoolService> spool;  // from open_state()
  // Deliveries block (an SMTP server may take its time): threads of their own, `spool.parallel`
  // of them, so that a slow server never holds the workers mailboxes and plugins need.
  std::unique_ptr<ThreadWorkerPool> delivery_workers;   // from open_state()
  std::unique_ptr<DeliveryScheduler> delivery;          // from open_state(), started by start()
  VoicemailService voicemail{loop, workers, registry};  // its store opened by open_state()
  std::shared_ptr<LoopbackDriver> loopback;
  std::unique_ptr<PluginHost> plugins;
  std::unique_ptr<ScriptRuntime> scripts;

 private:
  TimerId trim_timer_ = 0;
  TimerId purge_timer_ = 0;
};

}  // namespace junction
