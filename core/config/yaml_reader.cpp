// Builds the ConfigNode tree straight from yaml-cpp's parser events rather than from
// YAML::Node: the node API silently keeps one of two duplicate keys and loses the position
// of keys, and both matter for telling users exactly what is wrong where.
#include "core/config/yaml_reader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "core/config/key_path.hpp"

namespace junction::config {
namespace {

// Aliases are expanded by copying; this bounds what a few nested aliases can blow up to
// ("billion laughs") while leaving room for any sensible reuse of anchored blocks.
constexpr std::size_t kMaxAliasExpansion = 100'000;

std::size_t count_nodes(const ConfigNode& node) {
  std::size_t n = 1;
  for (const auto& item : node.items()) n += count_nodes(item);
  for (const auto& [key, value] : node.entries()) n += count_nodes(value);
  return n;
}

// A copy of `src` placed at `path`: every key path below is rewritten, marks keep pointing
// at the anchored text (where the values are actually written), except the top one, which
// is where the alias is used.
ConfigNode relocated(const ConfigNode& src, const std::string& path, const SourceMark& mark) {
  switch (src.kind()) {
    case ConfigNode::Kind::null:
      return ConfigNode::null(mark, path);
    case ConfigNode::Kind::scalar:
      return ConfigNode::scalar(src.text(), mark, path);
    case ConfigNode::Kind::list: {
      ConfigNode out = ConfigNode::list(mark, path);
      for (std::size_t i = 0; i < src.items().size(); ++i) {
        const ConfigNode& item = src.items()[i];
        out.add_item(relocated(item, item_key_path(path, i), item.mark()));
      }
      return out;
    }
    case ConfigNode::Kind::map: {
      ConfigNode out = ConfigNode::map(mark, path);
      for (const auto& [key, value] : src.entries()) {
        ConfigNode child = relocated(value, child_key_path(path, key), value.mark());
        child.set_key_mark(value.key_mark());
        out.add_entry(key, std::move(child));
      }
      return out;
    }
  }
  return ConfigNode::null(mark, path);
}

class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  std::optional<ConfigNode>& root() { return root_; }
  const SourceMark& document_mark() const { return document_mark_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_mark_ = to_mark(mark); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (awaiting_key()) throw ConfigError(to_mark(mark), top().node.path(), "map keys must be scalars, got null");
    complete(ConfigNode::null(null_mark(mark), next_path()), anchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& value) override {
    if (awaiting_key()) {
      if (anchor != 0) anchors_[anchor] = ConfigNode::scalar(value, to_mark(mark), {});
      accept_key(value, to_mark(mark));
      return;
    }
    complete(ConfigNode::scalar(value, to_mark(mark), next_path()), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    // yaml-cpp has already rejected undefined anchors; what is left is an alias used
    // inside the very node it names, which would be infinite.
    if (it == anchors_.end())
      throw ConfigError(to_mark(mark), next_path_or_parent(), "alias refers to a node that contains it");
    const ConfigNode& target = it->second;
    if (awaiting_key()) {
      if (target.kind() != ConfigNode::Kind::scalar)
        throw ConfigError(to_mark(mark), top().node.path(), "map keys must be scalars, got an alias to a collection");
      accept_key(target.text(), to_mark(mark));
      return;
    }
    alias_expansion_ += count_nodes(target);
    if (alias_expansion_ > kMaxAliasExpansion)
      throw ConfigError(to_mark(mark), next_path(),
                        "aliases expand the document beyond " + std::to_string(kMaxAliasExpansion) + " values");
    complete(relocated(target, next_path(), to_mark(mark)), 0);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    if (awaiting_key()) throw ConfigError(to_mark(mark), top().node.path(), "map keys must be scalars, got a list");
    open(ConfigNode::list(to_mark(mark), next_path()), anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    if (awaiting_key()) throw ConfigError(to_mark(mark), top().node.path(), "map keys must be scalars, got a map");
    open(ConfigNode::map(to_mark(mark), next_path()), anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  // A list or map being filled.
  struct Open {
    ConfigNode node;
    YAML::anchor_t anchor = 0;
    std::optional<std::string> key;  // maps: the key whose value comes next
    SourceMark key_mark;
    std::unordered_map<std::string, int> key_lines;  // maps: line each key was first seen on
  };

  SourceMark to_mark(const YAML::Mark& mark) const {
    if (mark.is_null()) return SourceMark{file_, 0, 0};
    return SourceMark{file_, mark.line + 1, mark.column + 1};
  }

  Open& top() { return stack_.back(); }
  bool awaiting_key() const {
    return !stack_.empty() && stack_.back().node.kind() == ConfigNode::Kind::map && !stack_.back().key;
  }

  std::string next_path() const {
    if (stack_.empty()) return {};
    const Open& parent = stack_.back();
    if (parent.node.kind() == ConfigNode::Kind::list)
      return item_key_path(parent.node.path(), parent.node.items().size());
    return child_key_path(parent.node.path(), *parent.key);
  }
  std::string next_path_or_parent() const {
    if (awaiting_key()) return stack_.back().node.path();
    return next_path();
  }

  void accept_key(const std::string& key, const SourceMark& mark) {
    Open& map = top();
    auto [it, inserted] = map.key_lines.emplace(key, mark.line);
    if (!inserted)
      throw ConfigError(mark, child_key_path(map.node.path(), key),
                        "duplicate key '" + key + "' (first at line " + std::to_string(it->second) + ")");
    map.key = key;
    map.key_mark = mark;
  }

  // yaml-cpp places an empty value ("port:", a bare "-" or "---" alone) at the next token,
  // often on a later line. Point at the key, the list item's dash or the document start.
  SourceMark null_mark(const YAML::Mark& mark) const {
    if (is_written_null(mark)) return to_mark(mark);
    if (stack_.empty()) return document_mark_;
    const Open& parent = stack_.back();
    if (parent.node.kind() == ConfigNode::Kind::map) return parent.key_mark;
    if (auto dash = preceding_dash(mark)) return *dash;
    return to_mark(mark);
  }

  bool is_written_null(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text_.size()) return false;
    std::string_view rest = text_.substr(static_cast<std::size_t>(mark.pos));
    for (std::string_view word : {"~", "null", "Null", "NULL"})
      if (rest.starts_with(word)) return true;
    return false;
  }

  std::optional<SourceMark> preceding_dash(const YAML::Mark& mark) const {
    if (mark.pos <= 0 || static_cast<std::size_t>(mark.pos) > text_.size()) return std::nullopt;
    std::size_t i = static_cast<std::size_t>(mark.pos);
    while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\n' || text_[i - 1] == '\r')) --i;
    if (i == 0 || text_[i - 1] != '-') return std::nullopt;
    std::size_t dash = i - 1;
    std::size_t line_start = text_.rfind('\n', dash);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    int line = 1;
    for (std::size_t k = 0; k < dash; ++k)
      if (text_[k] == '\n') ++line;
    return SourceMark{file_, line, static_cast<int>(dash - line_start) + 1};
  }

  void open(ConfigNode node, YAML::anchor_t anchor) {
    stack_.push_back(Open{std::move(node), anchor, std::nullopt, {}, {}});
  }

  void close() {
    Open done = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(done.node), done.anchor);
  }

  // Attaches a finished node to its parent (or makes it the root).
  void complete(ConfigNode node, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = node;
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Open& parent = top();
    if (parent.node.kind() == ConfigNode::Kind::list) {
      parent.node.add_item(std::move(node));
      return;
    }
    node.set_key_mark(parent.key_mark);
    parent.node.add_entry(std::move(*parent.key), std::move(node));
    parent.key.reset();
  }

  std::string_view text_;
  const std::string& file_;
  SourceMark document_mark_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, ConfigNode> anchors_;
  std::optional<ConfigNode> root_;
  std::size_t alias_expansion_ = 0;  // nodes created by copying anchored ones
};

}  // namespace

ConfigNode read_yaml_string(std::string_view text, const std::string& file_name) {
  // yaml-cpp reads from a stream; the builder also looks at the text to place empty values.
  std::string buffer(text);
  std::istringstream in(buffer);
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(buffer, file_name);
    if (!parser.HandleNextDocument(builder) || !builder.root())
      return ConfigNode::null(SourceMark{file_name, 1, 1}, {});
    ConfigNode root = std::move(*builder.root());

    // A second document would be silently ignored otherwise; a trailing "---" is harmless.
    TreeBuilder extra(buffer, file_name);
    while (parser.HandleNextDocument(extra))
      if (extra.root() && !extra.root()->is_null())
        throw ConfigError(extra.document_mark(), {}, "only one YAML document is allowed");
    return root;
  } catch (const YAML::Exception& e) {
    SourceMark mark{file_name, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    throw ConfigError(mark, {}, "invalid YAML: " + e.msg);
  }
}

ConfigNode read_yaml_file(const std::string& path) {
  auto fail = [&](int error) {
    throw ConfigError(SourceMark{path, 0, 0}, {}, std::string("cannot read config file: ") + std::strerror(error));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) fail(errno);
  std::string text;
  char chunk[8192];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) text.append(chunk, n);
  // Reading a directory "opens" fine and only fails here, with EISDIR.
  if (std::ferror(file.get())) fail(errno);
  return read_yaml_string(text, path);
}

}  // namespace junction::config
