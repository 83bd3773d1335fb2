#include "core/config/schema_doc.hpp"

namespace junction::config {

namespace {

std::string type_text(const ConfigSchema& schema) {
  using T = ConfigSchema::Type;
  switch (schema.type()) {
    case T::any:
      return "any";
    case T::string:
      return "string";
    case T::boolean:
      return "boolean";
    case T::number:
      return "number";
    case T::integer: {
      std::string text = "integer";
      if (schema.min() != INT64_MIN || schema.max() != INT64_MAX)
        text += " " + std::to_string(schema.min()) + "–" + std::to_string(schema.max());
      return text;
    }
    case T::one_of: {
      std::string text = "one of";
      for (const auto& choice : schema.choices()) text += " `" + choice + "`";
      return text;
    }
    case T::list:
      return "list";
    case T::map:
      return "map";
  }
  return "any";
}

void rows(const ConfigSchema& schema, const std::string& path, bool is_required, std::string& out) {
  if (!path.empty()) {
    std::string fill = is_required ? "required" : (schema.default_value() ? "`" + *schema.default_value() + "`" : "");
    if (schema.default_value() && schema.default_value()->empty()) fill = "`\"\"`";
    out += "| `" + path + "` | " + type_text(schema) + " | " + fill + " | " + schema.doc() + " |\n";
  }
  if (schema.type() == ConfigSchema::Type::map && schema.has_fields()) {
    for (const auto& field : schema.fields())
      rows(field.schema, path.empty() ? field.key : path + "." + field.key, field.is_required, out);
  } else if (schema.item()) {
    const bool is_list = schema.type() == ConfigSchema::Type::list;
    rows(*schema.item(), path + (is_list ? "[]" : ".<key>"), false, out);
  }
}

}  // namespace

std::string render_schema_table(const ConfigSchema& schema, const std::string& root_path) {
  std::string out = "| key | type | default | description |\n| --- | --- | --- | --- |\n";
  rows(schema, root_path, false, out);
  return out;
}

}  // namespace junction::config
