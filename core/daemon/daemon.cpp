#include "core/daemon/daemon.hpp"

#include <cstdio>
#include <iostream>

#include "core/admin/admin_server.hpp"
#include "core/daemon/daemon_parts.hpp"
#include "core/daemon/health_report.hpp"
#include "core/daemon/shutdown_sequence.hpp"
#include "junction/cause.hpp"

namespace junction {

namespace {

void log_lines(Logger& log, const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    log.error(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace

int run_daemon(DaemonOptions options) {
  DaemonParts parts(options);
  Logger& log = parts.core_log;
  log.info(std::string("junctiond ") + JUNCTION_VERSION + " starting, node " + parts.config.node_id + ", config " +
           parts.config.file);
  try {
    parts.load_plugins();
    parts.start();
  } catch (const std::exception& e) {
    log_lines(log, e.what());
    log.error("refusing to start");
    return exit_status::refused;
  }

  ComponentLogger admin_log(parts.log, "admin");
  AdminServer admin(parts.metrics, admin_log);
  HealthReport health(parts);
  admin.add_route("GET", "/health", [&health](const AdminRequest&) { return health.respond(); });
  if (parts.config.admin.enabled) {
    try {
      admin.start(parts.config.admin.address, parts.config.admin.port);
    } catch (const std::exception& e) {
      log.error(e.what());
      parts.plugins->stop_all();
      return exit_status::runtime_failure;
    }
  }

  ShutdownSequence shutdown(parts, admin, health);
  asio::signal_set stop_signals(parts.io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log.info(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
    shutdown.begin();
  });
  asio::signal_set reload_signal(parts.io, SIGHUP);
  std::function<void()> wait_for_reload = [&] {
    reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      log.info("received SIGHUP, reloading scripts");
      parts.scripts->reload();
      wait_for_reload();
    });
  };
  wait_for_reload();
  shutdown.on_done([&] {
    stop_signals.cancel();
    reload_signal.cancel();
  });

  std::string where = parts.config.admin.enabled ? ", admin http://" + parts.config.admin.address + ":" +
                                                       std::to_string(admin.port())
                                                 : ", admin disabled";
  log.info("ready: " + std::to_string(parts.plugins->plan().size()) + " plugins, scripts generation " +
           std::to_string(parts.scripts->generation()) + where);
  parts.io.run();
  log.info("stopped");
  return exit_status::ok;
}

int check_daemon(DaemonOptions options) {
  // Problems go to stderr, the plan to stdout; logging stays quiet unless asked for.
  if (!options.log_level) options.log_level = LogLevel::warn;
  DaemonParts parts(options);
  try {
    parts.load_plugins();
    // Scripts compile and their top-level code runs, with the core's verbs; plugins are
    // configured but not started, so no socket or file is opened.
    ScriptRuntime scripts(parts.loop, parts.engine, parts.registry, parts.script_log, parts.metrics,
                          ScriptSettings{parts.config.scripts.directory, parts.config.scripts.flow,
                                         parts.config.scripts.routing, parts.config.scripts.instruction_limit,
                                         parts.config.scripts.memory_limit_bytes});
    scripts.load();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return exit_status::refused;
  }
  std::cout << "config " << parts.config.file << ": OK\n";
  std::cout << "node " << parts.config.node_id << "\n";
  const auto plan = parts.plugins->plan();
  std::cout << "plugins (start order):" << (plan.empty() ? " none" : "") << "\n";
  int index = 0;
  for (const auto& plugin : plan)
    std::cout << "  " << ++index << ". " << plugin.name << " " << plugin.version << "  " << plugin.path.string()
              << "\n";
  std::cout << "scripts: flow " << parts.config.scripts.flow.string() << ", routing "
            << parts.config.scripts.routing.string() << "\n";
  std::cout << "routing strategies: ";
  for (const auto& name : parts.config.routing_strategies) std::cout << name << " ";
  std::cout << "\nusers: " << parts.config.users.size() << "\n";
  if (parts.config.admin.enabled) {
    std::cout << "admin: http://" << parts.config.admin.address << ":" << parts.config.admin.port << "\n";
  } else {
    std::cout << "admin: disabled\n";
  }
  return exit_status::ok;
}

}  // namespace junction
