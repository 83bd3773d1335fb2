// junctiond: command line entry point.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "core/daemon/daemon.hpp"
#include "junction/abi.hpp"

namespace {

const char* kUsage =
    "usage: junctiond [--config FILE] [--check] [--log-level LEVEL] [--version] [--help]\n"
    "  --config FILE      configuration file (default: config/junction.yaml)\n"
    "  --check            validate config, plugins and scripts, print what would load, exit 0 or 2\n"
    "  --log-level LEVEL  trace, debug, info, warn, error or off (overrides log.level)\n"
    "  --version          print the version and the plugin SDK ABI, then exit\n"
    "  --lua-api          print the Lua API reference (docs/lua-api.md) from the verb table\n"
    "  --config-reference print the configuration reference (docs/configuration.md) from the schema\n"
    "signals: SIGINT/SIGTERM stop gracefully, SIGHUP reloads the Lua scripts\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = "config/junction.yaml";
  bool check = false;
  std::optional<junction::LogLevel> level;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "junctiond: " << name << " needs a value\n" << kUsage;
        std::exit(junction::exit_status::refused);
      }
      return argv[++i];
    };
    if (arg == "--config") {
      config_path = value("--config");
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--log-level") {
      const std::string text = value("--log-level");
      junction::LogLevel parsed;
      if (!junction::parse_log_level(text, parsed)) {
        std::cerr << "junctiond: --log-level must be trace, debug, info, warn, error or off, got '" << text << "'\n";
        return junction::exit_status::refused;
      }
      level = parsed;
    } else if (arg == "--version") {
      std::cout << "junctiond " << JUNCTION_VERSION << " (plugin SDK ABI " << junction::kSdkAbiVersion << ")\n";
      return junction::exit_status::ok;
    } else if (arg == "--config-reference") {
      std::cout << junction::config_reference();
      return junction::exit_status::ok;
    } else if (arg == "--lua-api") {
      std::cout << junction::core_lua_api();
      return junction::exit_status::ok;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return junction::exit_status::ok;
    } else {
      std::cerr << "junctiond: unknown argument '" << arg << "'\n" << kUsage;
      return junction::exit_status::refused;
    }
  }

  junction::DaemonOptions options;
  options.log_level = level;
  try {
    options.config = junction::load_daemon_config(config_path);
  } catch (const junction::ConfigErrors& e) {
    std::cerr << e.what() << "\n";
    if (!check) std::cerr << "junctiond: refusing to start\n";
    return junction::exit_status::refused;
  }
  return check ? junction::check_daemon(std::move(options)) : junction::run_daemon(std::move(options));
}
