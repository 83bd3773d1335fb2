// The daemon's own configuration file: what it holds, its schema, and how it is loaded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "junction/config.hpp"
#include "junction/directory.hpp"
#include "junction/logger.hpp"

namespace junction {

struct PluginEntry {
  std::string name;
  std::string path;  ///< absolute, or empty when the plugin host should find it by name
  bool enabled = true;
  ConfigNode config;  ///< the plugin's block, a map (empty map when absent); checked later by the plugin host
  SourceMark mark;
  std::string key_path;  ///< "plugins[1]"
};

struct AdminConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  ///< 0: pick a free port
};

struct ScriptsConfig {
  std::filesystem::path directory;  ///< all three absolute
  std::filesystem::path flow;
  std::filesystem::path routing;
  std::uint64_t instruction_limit = 10'000'000;
  std::size_t memory_limit_bytes = 256u << 20;
};

struct SpoolConfig {
  std::filesystem::path directory;  ///< absolute
  std::uint64_t reserve_bytes = 64ull << 20;
  std::string connector = "pickup";
  std::chrono::seconds retry_min{30};
  std::chrono::seconds retry_max{3600};
  int max_attempts = 30;
  std::size_t parallel = 4;
  std::chrono::hours keep_delivered{24 * 30};
};

struct VoicemailConfig {
  std::filesystem::path directory;  ///< absolute
  int max_messages = 100;
  std::uint64_t reserve_bytes = 64ull << 20;
  int pin_failures = 3;
  std::chrono::seconds lockout{60};
  std::chrono::seconds lockout_max{3600};
};

struct DaemonConfig {
  std::string file;  ///< the path it was read from
  std::string node_id;
  LogLevel log_level = LogLevel::info;
  AdminConfig admin;
  std::filesystem::path plugin_directory;  ///< absolute, empty when not configured
  std::filesystem::path state_directory;   ///< absolute; registrations (and later the spool) live here
  std::vector<PluginEntry> plugins;        ///< in file order, enabled:false ones excluded
  ScriptsConfig scripts;
  SpoolConfig spool;
  VoicemailConfig voicemail;
  std::vector<std::string> routing_strategies;  ///< default {"lua"}
  std::vector<User> users;
  std::string open_directory_password;  ///< non-empty: any well-formed name is a user (benchmarks)
  std::chrono::milliseconds drain_timeout{5000};
};

/// All problems found in a config file, one line each ("file:line:column: key.path: problem").
class ConfigErrors : public std::runtime_error {
 public:
  explicit ConfigErrors(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// The schema of the daemon config file (types, ranges, defaults). Checks that need more than
/// a schema (formats, uniqueness, files on disk) are done by load/parse_daemon_config.
ConfigSchema daemon_config_schema();

/// Reads, validates and converts the file; relative paths resolve against its directory.
/// Throws ConfigErrors listing every problem (a single unreadable-file or YAML error too).
DaemonConfig load_daemon_config(const std::string& path);

/// Same as load_daemon_config, from text; relative paths resolve against the directory of
/// `file_name` (itself resolved against the current directory).
DaemonConfig parse_daemon_config(std::string_view yaml, const std::string& file_name);

}  // namespace junction
