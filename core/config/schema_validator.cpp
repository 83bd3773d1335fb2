#include "core/config/schema_validator.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/config/describe_value.hpp"
#include "core/config/key_path.hpp"

namespace junction::config {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_problem(const std::string& key, const ConfigSchema& schema) {
  std::vector<std::string> allowed;
  for (const auto& field : schema.fields()) allowed.push_back(field.key);
  std::sort(allowed.begin(), allowed.end());

  std::string out = "unknown key '" + key + "' (";
  const std::string* closest = nullptr;
  std::size_t best = 3;  // suggest only within an edit distance of 2
  for (const auto& candidate : allowed)
    if (std::size_t d = edit_distance(key, candidate); d < best) {
      best = d;
      closest = &candidate;
    }
  if (closest) out += "did you mean '" + *closest + "'? ";
  if (allowed.empty()) return out + "no keys are allowed here)";
  out += "allowed: ";
  for (std::size_t i = 0; i < allowed.size(); ++i) out += (i ? ", " : "") + allowed[i];
  return out + ")";
}

std::string integer_expectation(const ConfigSchema& schema) {
  bool has_min = schema.min() != INT64_MIN, has_max = schema.max() != INT64_MAX;
  if (has_min && has_max)
    return "an integer between " + std::to_string(schema.min()) + " and " + std::to_string(schema.max());
  if (has_min) return "an integer of at least " + std::to_string(schema.min());
  if (has_max) return "an integer of at most " + std::to_string(schema.max());
  return "an integer";
}

std::string expectation(const ConfigSchema& schema) {
  switch (schema.type()) {
    case ConfigSchema::Type::any:
      return "any value";
    case ConfigSchema::Type::string:
      return "a string";
    case ConfigSchema::Type::integer:
      return integer_expectation(schema);
    case ConfigSchema::Type::number:
      return "a number";
    case ConfigSchema::Type::boolean:
      return "a boolean (true/false, yes/no, on/off)";
    case ConfigSchema::Type::list:
      return "a list";
    case ConfigSchema::Type::map:
      return "a map";
    case ConfigSchema::Type::one_of: {
      std::string out = "one of ";
      for (std::size_t i = 0; i < schema.choices().size(); ++i) out += (i ? ", " : "") + schema.choices()[i];
      return out;
    }
  }
  return "a value";
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Decimal with an optional sign; YAML's 0x/0o/1_000 forms are rejected on purpose, so that
// what the user wrote is what as_int() reads.
enum class IntegerParse { ok, not_integer, out_of_int64 };
IntegerParse parse_integer(std::string_view text, std::int64_t& out) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (!all_digits(digits)) return IntegerParse::not_integer;
  // from_chars takes '-' but not '+'.
  std::string_view parsed = text[0] == '+' ? digits : text;
  auto [end, error] = std::from_chars(parsed.data(), parsed.data() + parsed.size(), out);
  if (error == std::errc::result_out_of_range) return IntegerParse::out_of_int64;
  return error == std::errc() && end == parsed.data() + parsed.size() ? IntegerParse::ok : IntegerParse::not_integer;
}

// [+-] digits [. digits] [e [+-] digits], or [+-] . digits [...]: what std::stod reads fully.
bool is_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t whole = digits(), fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole + fraction == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

// YAML 1.1 spellings, in the three casings it allows.
std::optional<bool> parse_boolean(std::string_view text) {
  for (std::string_view yes : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
    if (text == yes) return true;
  for (std::string_view no : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
    if (text == no) return false;
  return std::nullopt;
}

class Validator {
 public:
  std::vector<std::string> problems;

  void check(ConfigNode& node, const ConfigSchema& schema) {
    using Type = ConfigSchema::Type;
    if (schema.type() == Type::any) return;
    if (node.is_null()) return wrong_type(node, schema);
    switch (schema.type()) {
      case Type::any:
        return;
      case Type::string:
        if (node.kind() != ConfigNode::Kind::scalar) wrong_type(node, schema);
        return;
      case Type::integer:
        return check_integer(node, schema);
      case Type::number:
        if (node.kind() != ConfigNode::Kind::scalar || !is_number(node.text())) wrong_type(node, schema);
        return;
      case Type::boolean:
        return check_boolean(node, schema);
      case Type::one_of:
        if (node.kind() != ConfigNode::Kind::scalar ||
            std::find(schema.choices().begin(), schema.choices().end(), node.text()) == schema.choices().end())
          wrong_type(node, schema);
        return;
      case Type::list:
        return check_list(node, schema);
      case Type::map:
        if (node.kind() != ConfigNode::Kind::map) return wrong_type(node, schema);
        return schema.has_fields() ? check_fields(node, schema) : check_values(node, schema);
    }
  }

 private:
  void report(const SourceMark& mark, std::string_view path, const std::string& problem) {
    problems.push_back(ConfigError::format(mark, path, problem));
  }

  void wrong_type(const ConfigNode& node, const ConfigSchema& schema) {
    report(node.mark(), node.path(), "expected " + expectation(schema) + ", got " + describe_value(node));
  }

  void check_integer(const ConfigNode& node, const ConfigSchema& schema) {
    std::int64_t value = 0;
    IntegerParse parsed =
        node.kind() == ConfigNode::Kind::scalar ? parse_integer(node.text(), value) : IntegerParse::not_integer;
    if (parsed == IntegerParse::not_integer) return wrong_type(node, schema);
    if (parsed == IntegerParse::out_of_int64 || value < schema.min() || value > schema.max()) {
      // Unbounded schemas still have the 64-bit limits; name them rather than "an integer".
      std::string expected = integer_expectation(schema);
      if (expected == "an integer")
        expected = "an integer between " + std::to_string(INT64_MIN) + " and " + std::to_string(INT64_MAX);
      report(node.mark(), node.path(), "expected " + expected + ", got " + node.text());
    }
  }

  void check_boolean(ConfigNode& node, const ConfigSchema& schema) {
    std::optional<bool> value = node.kind() == ConfigNode::Kind::scalar ? parse_boolean(node.text()) : std::nullopt;
    if (!value) return wrong_type(node, schema);
    SourceMark key_mark = node.key_mark();
    node = ConfigNode::scalar(*value ? "true" : "false", node.mark(), node.path());
    node.set_key_mark(std::move(key_mark));
  }

  void check_list(ConfigNode& node, const ConfigSchema& schema) {
    if (node.kind() != ConfigNode::Kind::list) return wrong_type(node, schema);
    if (!schema.item()) return;
    for (auto& item : node.mutable_items()) check(item, *schema.item());
  }

  // map_of: free-form keys, one schema for every value.
  void check_values(ConfigNode& node, const ConfigSchema& schema) {
    if (!schema.item()) return;
    for (auto& [key, value] : node.mutable_entries()) check(value, *schema.item());
  }

  void check_fields(ConfigNode& node, const ConfigSchema& schema) {
    for (auto& [key, value] : node.mutable_entries()) {
      auto field = std::find_if(schema.fields().begin(), schema.fields().end(),
                                [&](const ConfigSchema::Field& f) { return f.key == key; });
      if (field == schema.fields().end())
        report(value.key_mark(), value.path(), unknown_key_problem(key, schema));
      else
        check(value, field->schema);
    }
    for (const auto& field : schema.fields()) {
      if (node.has(field.key)) continue;
      std::string path = child_key_path(node.path(), field.key);
      if (field.is_required) {
        report(node.mark(), path, "missing required key");
      } else if (field.schema.default_value()) {
        ConfigNode value = ConfigNode::scalar(*field.schema.default_value(), node.mark(), path);
        check(value, field.schema);  // normalizes booleans; flags a schema whose default is wrong
        node.add_entry(field.key, std::move(value));
      }
    }
  }
};

}  // namespace

std::vector<std::string> validate(ConfigNode& node, const ConfigSchema& schema) {
  Validator validator;
  validator.check(node, schema);
  return std::move(validator.problems);
}

}  // namespace junction::config
