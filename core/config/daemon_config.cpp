#include "core/config/daemon_config.hpp"

#include "core/text/join_lines.hpp"

#include "core/config/daemon_config_checks.hpp"
#include "core/config/key_path.hpp"
#include "core/config/schema_validator.hpp"
#include "core/config/yaml_reader.hpp"

namespace junction {
namespace {
namespace fs = std::filesystem;

// Absent optional sections become empty maps before validation, so that their fields get
// the schema's defaults: the schema stays the one place where defaults are written down.
void add_absent_sections(ConfigNode& root, const ConfigSchema& schema) {
  if (root.kind() != ConfigNode::Kind::map) return;
  for (const auto& field : schema.fields())
    if (!field.is_required && field.schema.type() == ConfigSchema::Type::map && field.schema.has_fields() &&
        !root.has(field.key))
      root.add_entry(field.key, ConfigNode::map(root.mark(), config::child_key_path(root.path(), field.key)));
}

fs::path optional_path(const fs::path& base, const std::string& text) {
  return text.empty() ? fs::path() : config::resolve_config_path(base, text);
}

PluginEntry to_plugin(const ConfigNode& node, const fs::path& base) {
  PluginEntry plugin;
  plugin.name = node.get_string("name");
  plugin.path = optional_path(base, node.get_string("path")).string();
  plugin.enabled = node.get_bool("enabled", true);
  const ConfigNode* config = node.find("config");
  plugin.config =
      config && config->kind() == ConfigNode::Kind::map
          ? *config
          : ConfigNode::map(config ? config->mark() : node.mark(), config::child_key_path(node.path(), "config"));
  plugin.mark = node.mark();
  plugin.key_path = node.path();
  return plugin;
}

User to_user(const ConfigNode& node) {
  User user{node.get_string("extension"),
            node.get_string("name"),
            node.get_string("email"),
            node.get_string("sip_password"),
            node.get_string("voicemail_pin"),
            {},
            {}};
  if (const ConfigNode* algorithms = node.find("sip_auth"))
    for (const auto& item : algorithms->items()) user.sip_auth_algorithms.push_back(item.text());
  user.language = node.get_string("language");
  return user;
}

// Only called on a tree that passed every check, so lookups and conversions cannot fail.
DaemonConfig to_daemon_config(const ConfigNode& root, const fs::path& base, const std::string& file) {
  DaemonConfig config;
  config.file = file;
  config.node_id = root.find("node")->get_string("id");
  parse_log_level(root.find("log")->get_string("level"), config.log_level);

  const ConfigNode& admin = *root.find("admin");
  config.admin.enabled = admin.get_bool("enabled");
  config.admin.address = admin.get_string("address");
  config.admin.port = static_cast<std::uint16_t>(admin.get_int("port"));

  config.plugin_directory = optional_path(base, root.get_string("plugin_directory"));
  config.state_directory = config::resolve_config_path(base, root.get_string("state_directory"));
  if (const ConfigNode* plugins = root.find("plugins"))
    for (const auto& node : plugins->items())
      if (PluginEntry plugin = to_plugin(node, base); plugin.enabled) config.plugins.push_back(std::move(plugin));

  const ConfigNode& scripts = *root.find("scripts");
  config.scripts.directory = config::resolve_config_path(base, scripts.get_string("directory"));
  config.scripts.flow = config::resolve_config_path(config.scripts.directory, scripts.get_string("flow"));
  config.scripts.routing = config::resolve_config_path(config.scripts.directory, scripts.get_string("routing"));
  config.scripts.instruction_limit = static_cast<std::uint64_t>(scripts.get_int("instruction_limit"));
  config.scripts.memory_limit_bytes = static_cast<std::size_t>(scripts.get_int("memory_limit_mb")) << 20;
  if (const ConfigNode* spool = root.find("spool")) {
    const std::string directory = spool->get_string("directory");
    config.spool.directory =
        directory.empty() ? config.state_directory / "spool" : config::resolve_config_path(base, directory);
    config.spool.reserve_bytes = static_cast<std::uint64_t>(spool->get_int("reserve_mb", 64)) << 20;
    config.spool.connector = spool->get_string("connector", "pickup");
    config.spool.retry_min = std::chrono::seconds(spool->get_int("retry_min_s", 30));
    config.spool.retry_max = std::chrono::seconds(spool->get_int("retry_max_s", 3600));
    config.spool.max_attempts = static_cast<int>(spool->get_int("max_attempts", 30));
    config.spool.parallel = static_cast<std::size_t>(spool->get_int("parallel", 4));
    config.spool.keep_delivered = std::chrono::hours(24 * spool->get_int("keep_delivered_days", 30));
  } else {
    config.spool.directory = config.state_directory / "spool";
  }

  config.voicemail.directory = config.state_directory / "voicemail";
  if (const ConfigNode* voicemail = root.find("voicemail")) {
    const std::string directory = voicemail->get_string("directory");
    if (!directory.empty()) config.voicemail.directory = config::resolve_config_path(base, directory);
    config.voicemail.max_messages = static_cast<int>(voicemail->get_int("max_messages", 100));
    config.voicemail.reserve_bytes = static_cast<std::uint64_t>(voicemail->get_int("reserve_mb", 64)) << 20;
    config.voicemail.pin_failures = static_cast<int>(voicemail->get_int("pin_failures", 3));
    config.voicemail.lockout = std::chrono::seconds(voicemail->get_int("lockout_s", 60));
    config.voicemail.lockout_max = std::chrono::seconds(voicemail->get_int("lockout_max_s", 3600));
  }

  if (const ConfigNode* strategies = root.find("routing")->find("strategies"))
    for (const auto& item : strategies->items()) config.routing_strategies.push_back(item.text());
  else
    config.routing_strategies = {"lua"};

  if (const ConfigNode* users = root.find("users"))
    for (const auto& node : users->items()) config.users.push_back(to_user(node));
  if (const ConfigNode* open = root.find("open_directory"))
    config.open_directory_password = open->get_string("password");

  config.drain_timeout = std::chrono::milliseconds(root.find("shutdown")->get_int("drain_timeout_ms"));
  return config;
}

DaemonConfig from_tree(ConfigNode root, const std::string& file) {
  if (root.is_null()) throw ConfigErrors({ConfigError::format(root.mark(), {}, "the config file is empty")});
  ConfigSchema schema = daemon_config_schema();
  add_absent_sections(root, schema);
  std::vector<std::string> problems = config::validate(root, schema);
  fs::path base = config::config_base_directory(file);
  config::check_daemon_semantics(root, base, problems);
  if (!problems.empty()) throw ConfigErrors(std::move(problems));
  return to_daemon_config(root, base, file);
}

}  // namespace

ConfigErrors::ConfigErrors(std::vector<std::string> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

DaemonConfig load_daemon_config(const std::string& path) {
  ConfigNode root;
  try {
    root = config::read_yaml_file(path);
  } catch (const ConfigError& e) {
    throw ConfigErrors({e.what()});
  }
  return from_tree(std::move(root), path);
}

DaemonConfig parse_daemon_config(std::string_view yaml, const std::string& file_name) {
  ConfigNode root;
  try {
    root = config::read_yaml_string(yaml, file_name);
  } catch (const ConfigError& e) {
    throw ConfigErrors({e.what()});
  }
  return from_tree(std::move(root), file_name);
}

}  // namespace junction
