#include "core/config/daemon_config_checks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <map>
#include <system_error>

#include "core/config/describe_value.hpp"

namespace junction::config {
namespace fs = std::filesystem;

fs::path config_base_directory(const std::string& file_name) {
  std::error_code ec;
  fs::path base = file_name.empty() ? fs::current_path(ec) : fs::absolute(file_name, ec).parent_path();
  return base.lexically_normal();
}

fs::path resolve_config_path(const fs::path& base, std::string_view text) {
  fs::path path(text);
  if (text.empty()) return base;
  return (path.is_absolute() ? path : base / path).lexically_normal();
}

namespace {

class Checker {
 public:
  Checker(const fs::path& base, std::vector<std::string>& problems) : base_(base), problems_(problems) {}

  void run(const ConfigNode& root) {
    if (const ConfigNode* id = scalar_in(map_in(&root, "node"), "id"))
      if (!matches(id->text(), 64, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }))
        expected(*id, "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
    if (const ConfigNode* address = scalar_in(map_in(&root, "admin"), "address"))
      if (!is_ip_literal(address->text())) expected(*address, "an IPv4 or IPv6 address");
    check_plugins(list_in(&root, "plugins"));
    check_scripts(map_in(&root, "scripts"));
    check_users(list_in(&root, "users"));
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
  static bool is_alnum(char c) { return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z'); }

  template <typename Allowed>
  static bool matches(const std::string& text, std::size_t max_length, Allowed allowed, std::size_t min_length = 1) {
    return text.size() >= min_length && text.size() <= max_length && std::all_of(text.begin(), text.end(), allowed);
  }

  static bool is_ip_literal(const std::string& text) {
    in6_addr buffer{};
    return inet_pton(AF_INET, text.c_str(), &buffer) == 1 || inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
  }

  static bool is_email(const std::string& text) {
    auto at = text.find('@');
    return at != std::string::npos && at > 0 && at + 1 < text.size() && text.find('@', at + 1) == std::string::npos;
  }

  // Lookups that quietly give up on values of the wrong kind: the schema reports those.
  static const ConfigNode* of_kind(const ConfigNode* node, ConfigNode::Kind kind) {
    return node && node->kind() == kind ? node : nullptr;
  }
  static const ConfigNode* child(const ConfigNode* map, std::string_view key) {
    return map && map->kind() == ConfigNode::Kind::map ? map->find(key) : nullptr;
  }
  static const ConfigNode* map_in(const ConfigNode* map, std::string_view key) {
    return of_kind(child(map, key), ConfigNode::Kind::map);
  }
  static const ConfigNode* list_in(const ConfigNode* map, std::string_view key) {
    return of_kind(child(map, key), ConfigNode::Kind::list);
  }
  static const ConfigNode* scalar_in(const ConfigNode* map, std::string_view key) {
    return of_kind(child(map, key), ConfigNode::Kind::scalar);
  }

  void report(const ConfigNode& node, const std::string& problem) {
    problems_.push_back(ConfigError::format(node.mark(), node.path(), problem));
  }
  void expected(const ConfigNode& node, const std::string& what) {
    report(node, "expected " + what + ", got " + describe_value(node));
  }

  // Reports `node` if its text was already seen in this list; `what` names the value.
  void check_unique(std::map<std::string, int>& first_lines, const ConfigNode& node, const std::string& what) {
    auto [it, inserted] = first_lines.emplace(node.text(), node.mark().line);
    if (!inserted)
      report(node, "duplicate " + what + " " + quote_for_message(node.text()) + " (first defined at line " +
                       std::to_string(it->second) + ")");
  }

  void check_plugins(const ConfigNode* plugins) {
    if (!plugins) return;
    std::map<std::string, int> names;
    for (const auto& plugin : plugins->items()) {
      if (const ConfigNode* name = scalar_in(&plugin, "name")) {
        if (!matches(name->text(), 64, [](char c) { return is_digit(c) || is_lower(c) || c == '_' || c == '-'; }))
          expected(*name, "1-64 characters of a-z, 0-9, '_', '-'");
        check_unique(names, *name, "plugin name");
      }
      // An empty "config:" means no settings, like an absent one.
      if (const ConfigNode* config = child(&plugin, "config");
          config && !config->is_null() && config->kind() != ConfigNode::Kind::map)
        expected(*config, "a map");
    }
  }

  void check_scripts(const ConfigNode* scripts) {
    const ConfigNode* directory = scalar_in(scripts, "directory");
    if (!directory) return;
    fs::path root = resolve_config_path(base_, directory->text());
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      // One problem instead of a missing-file report for every script in it.
      report(*directory, "directory not found: " + root.string());
      return;
    }
    for (std::string_view key : {"flow", "routing"}) {
      const ConfigNode* file = scalar_in(scripts, key);
      if (!file) continue;
      fs::path path = resolve_config_path(root, file->text());
      if (!fs::exists(path, ec))
        report(*file, "file not found: " + path.string());
      else if (!fs::is_regular_file(path, ec))
        report(*file, "not a regular file: " + path.string());
    }
  }

  void check_users(const ConfigNode* users) {
    if (!users) return;
    std::map<std::string, int> extensions;
    for (const auto& user : users->items()) {
      if (const ConfigNode* extension = scalar_in(&user, "extension")) {
        if (!matches(extension->text(), 32, [](char c) { return is_digit(c) || c == '*' || c == '#' || c == '+'; }))
          expected(*extension, "1-32 characters of 0-9, '*', '#', '+'");
        check_unique(extensions, *extension, "extension");
      }
      if (const ConfigNode* email = scalar_in(&user, "email"); email && !is_email(email->text()))
        expected(*email, "an email address with one '@' and text on both sides");
      if (const ConfigNode* pin = scalar_in(&user, "voicemail_pin"); pin && !matches(pin->text(), 12, is_digit, 4))
        expected(*pin, "4-12 digits");
    }
  }

  const fs::path& base_;
  std::vector<std::string>& problems_;
};

}  // namespace

void check_daemon_semantics(const ConfigNode& root, const fs::path& base_directory,
                            std::vector<std::string>& problems) {
  Checker(base_directory, problems).run(root);
}

}  // namespace junction::config
