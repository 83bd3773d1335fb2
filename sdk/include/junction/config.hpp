// Configuration as plugins see it: a validated tree with source positions, and the schema a
// plugin declares for its own block. The host parses YAML, checks it against the schema and
// reports every problem as `file:line:column: key.path: what was expected`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace junction {

/// Where a value came from in the config file (1-based; 0 when synthesized from a default).
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
};

/// A node of the validated configuration tree.
class ConfigNode {
 public:
  enum class Kind { null, scalar, list, map };

  ConfigNode() = default;
  static ConfigNode scalar(std::string value, SourceMark mark, std::string path) {
    ConfigNode n(Kind::scalar, std::move(mark), std::move(path));
    n.scalar_ = std::move(value);
    return n;
  }
  static ConfigNode list(SourceMark mark, std::string path) {
    return ConfigNode(Kind::list, std::move(mark), std::move(path));
  }
  static ConfigNode map(SourceMark mark, std::string path) {
    return ConfigNode(Kind::map, std::move(mark), std::move(path));
  }
  static ConfigNode null(SourceMark mark, std::string path) {
    return ConfigNode(Kind::null, std::move(mark), std::move(path));
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  const SourceMark& mark() const { return mark_; }
  /// Where the key introducing this node was written, when it is a map value (so that
  /// "unknown key" points at the key, not at a value that may start lines later); mark() otherwise.
  const SourceMark& key_mark() const { return key_mark_ ? *key_mark_ : mark_; }
  /// Key path from the document root, e.g. "plugins[2].config.port".
  const std::string& path() const { return path_; }

  /// Scalar text (after schema validation its type is known to be right).
  const std::string& text() const { return scalar_; }
  bool as_bool() const { return scalar_ == "true" || scalar_ == "yes" || scalar_ == "on"; }
  std::int64_t as_int() const { return std::stoll(scalar_); }
  double as_double() const { return std::stod(scalar_); }

  /// List items, in order.
  const std::vector<ConfigNode>& items() const { return items_; }
  /// Map entries, in file order.
  const std::vector<std::pair<std::string, ConfigNode>>& entries() const { return entries_; }

  /// Map lookup; nullptr when the key is absent (defaults are filled in by validation).
  const ConfigNode* find(std::string_view key) const {
    for (const auto& [k, v] : entries_)
      if (k == key) return &v;
    return nullptr;
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  std::string get_string(std::string_view key, std::string fallback = {}) const {
    const ConfigNode* n = find(key);
    return n && n->kind_ == Kind::scalar ? n->scalar_ : fallback;
  }
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const {
    const ConfigNode* n = find(key);
    return n && n->kind_ == Kind::scalar ? n->as_int() : fallback;
  }
  bool get_bool(std::string_view key, bool fallback = false) const {
    const ConfigNode* n = find(key);
    return n && n->kind_ == Kind::scalar ? n->as_bool() : fallback;
  }

  // Building (used by the host's YAML reader and by validation).
  void add_item(ConfigNode item) { items_.push_back(std::move(item)); }
  void add_entry(std::string key, ConfigNode value) { entries_.emplace_back(std::move(key), std::move(value)); }
  std::vector<std::pair<std::string, ConfigNode>>& mutable_entries() { return entries_; }
  std::vector<ConfigNode>& mutable_items() { return items_; }
  void set_key_mark(SourceMark mark) { key_mark_ = std::move(mark); }

 private:
  ConfigNode(Kind kind, SourceMark mark, std::string path)
      : kind_(kind), mark_(std::move(mark)), path_(std::move(path)) {}

  Kind kind_ = Kind::null;
  SourceMark mark_;
  std::optional<SourceMark> key_mark_;
  std::string path_;
  std::string scalar_;
  std::vector<ConfigNode> items_;
  std::vector<std::pair<std::string, ConfigNode>> entries_;
};

/// Thrown for any configuration problem. `what()` is the full one-line message,
/// "file:line:column: key.path: problem".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const SourceMark& mark, std::string_view path, std::string_view problem)
      : std::runtime_error(format(mark, path, problem)) {}

  static std::string format(const SourceMark& mark, std::string_view path, std::string_view problem) {
    std::string out = mark.file.empty() ? std::string("<config>") : mark.file;
    out += ':' + std::to_string(mark.line) + ':' + std::to_string(mark.column) + ": ";
    if (!path.empty()) {
      out += path;
      out += ": ";
    }
    out += problem;
    return out;
  }
};

/// Declarative description of a config block. Build with the static helpers:
///
///   auto schema = ConfigSchema::map({
///       {"port", ConfigSchema::integer(1, 65535), required},
///       {"bind", ConfigSchema::string().with_default("127.0.0.1")},
///   });
class ConfigSchema {
 public:
  enum class Type { any, string, integer, number, boolean, list, map, one_of };

  struct Field;

  ConfigSchema() = default;

  static ConfigSchema any() { return ConfigSchema(Type::any); }
  static ConfigSchema string() { return ConfigSchema(Type::string); }
  static ConfigSchema boolean() { return ConfigSchema(Type::boolean); }
  static ConfigSchema number() { return ConfigSchema(Type::number); }
  static ConfigSchema integer(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) {
    ConfigSchema s(Type::integer);
    s.min_ = min;
    s.max_ = max;
    return s;
  }
  /// A string restricted to the listed values.
  static ConfigSchema one_of(std::vector<std::string> values) {
    ConfigSchema s(Type::one_of);
    s.choices_ = std::move(values);
    return s;
  }
  static ConfigSchema list(ConfigSchema item) {
    ConfigSchema s(Type::list);
    s.item_ = std::make_shared<ConfigSchema>(std::move(item));
    return s;
  }
  static ConfigSchema map(std::vector<Field> fields);
  /// A map whose keys are free-form and whose values all follow `value`.
  static ConfigSchema map_of(ConfigSchema value) {
    ConfigSchema s(Type::map);
    s.item_ = std::make_shared<ConfigSchema>(std::move(value));
    return s;
  }

  ConfigSchema with_default(std::string value) const {
    ConfigSchema s = *this;
    s.default_ = std::move(value);
    return s;
  }
  ConfigSchema with_doc(std::string doc) const {
    ConfigSchema s = *this;
    s.doc_ = std::move(doc);
    return s;
  }

  Type type() const { return type_; }
  std::int64_t min() const { return min_; }
  std::int64_t max() const { return max_; }
  const std::vector<std::string>& choices() const { return choices_; }
  const std::optional<std::string>& default_value() const { return default_; }
  const std::string& doc() const { return doc_; }
  const std::vector<Field>& fields() const { return *fields_; }
  bool has_fields() const { return fields_ != nullptr; }
  /// Item schema of a list, value schema of a map_of.
  const ConfigSchema* item() const { return item_.get(); }

 private:
  explicit ConfigSchema(Type type) : type_(type) {}

  Type type_ = Type::any;
  std::int64_t min_ = INT64_MIN;
  std::int64_t max_ = INT64_MAX;
  std::vector<std::string> choices_;
  std::optional<std::string> default_;
  std::string doc_;
  std::shared_ptr<const std::vector<Field>> fields_;
  std::shared_ptr<const ConfigSchema> item_;
};

/// Marker for required fields: {"port", ConfigSchema::integer(), required}.
inline constexpr struct RequiredTag {
} required{};

struct ConfigSchema::Field {
  Field(std::string key, ConfigSchema schema) : key(std::move(key)), schema(std::move(schema)) {}
  Field(std::string key, ConfigSchema schema, RequiredTag)
      : key(std::move(key)), schema(std::move(schema)), is_required(true) {}
  std::string key;
  ConfigSchema schema;
  bool is_required = false;
};

inline ConfigSchema ConfigSchema::map(std::vector<Field> fields) {
  ConfigSchema s(Type::map);
  s.fields_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return s;
}

}  // namespace junction
