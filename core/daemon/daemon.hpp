// junctiond as a whole: builds the services from the config, loads plugins and scripts,
// runs the call loop until SIGINT/SIGTERM and shuts down in order.
#pragma once

#include <optional>

#include "core/config/daemon_config.hpp"

namespace junction {

/// Exit statuses of junctiond.
namespace exit_status {
inline constexpr int ok = 0;
inline constexpr int runtime_failure = 1;  ///< e.g. the admin port is taken
inline constexpr int refused = 2;  ///< bad config, plugin or script: nothing keeps running (plugins started before a
                                   ///< script error are stopped again)
}  // namespace exit_status

struct DaemonOptions {
  DaemonConfig config;
  std::optional<LogLevel> log_level;  ///< --log-level overrides the config
};

/// The Lua API reference of the core's verbs (what docs/lua-api.md holds).
std::string core_lua_api();

/// The configuration reference (what docs/configuration.md holds), from the schema.
std::string config_reference();

/// Runs the daemon; returns the process exit status.
int run_daemon(DaemonOptions options);

/// `--check`: validates config, plugins and scripts without starting anything, prints what
/// would load to stdout and problems to stderr. Returns exit_status::ok or refused.
int check_daemon(DaemonOptions options);

}  // namespace junction
