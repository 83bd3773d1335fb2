#include "core/config/yaml_reader.hpp"

#include <gtest/gtest.h>

#include "tests/unit/config/temp_dir.hpp"

namespace junction::config {
namespace {

ConfigNode parse(std::string_view text) { return read_yaml_string(text, "t.yaml"); }

std::string where(const SourceMark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

// The ConfigError message for `text`, or "no error".
std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

const ConfigNode& at(const ConfigNode& map, std::string_view key) {
  const ConfigNode* node = map.find(key);
  if (!node) throw std::runtime_error("no key " + std::string(key));
  return *node;
}

TEST(YamlReader, MarksAreOneBasedAndPathsNameEveryValue) {
  ConfigNode root = parse(R"(node:
  id: j1
plugins:
  - name: a
  - name: b
    config:
      port: 5060
)");
  ASSERT_EQ(root.kind(), ConfigNode::Kind::map);
  EXPECT_EQ(where(root.mark()), "t.yaml:1:1");
  EXPECT_EQ(root.path(), "");

  const ConfigNode& id = at(at(root, "node"), "id");
  EXPECT_EQ(id.text(), "j1");
  EXPECT_EQ(id.path(), "node.id");
  EXPECT_EQ(where(id.mark()), "t.yaml:2:7");
  EXPECT_EQ(where(id.key_mark()), "t.yaml:2:3");

  const ConfigNode& plugins = at(root, "plugins");
  ASSERT_EQ(plugins.kind(), ConfigNode::Kind::list);
  ASSERT_EQ(plugins.items().size(), 2u);
  EXPECT_EQ(where(plugins.mark()), "t.yaml:4:3");
  EXPECT_EQ(plugins.items()[1].path(), "plugins[1]");
  EXPECT_EQ(where(plugins.items()[1].mark()), "t.yaml:5:5");

  const ConfigNode& port = at(at(plugins.items()[1], "config"), "port");
  EXPECT_EQ(port.path(), "plugins[1].config.port");
  EXPECT_EQ(where(port.mark()), "t.yaml:7:13");
  EXPECT_EQ(where(port.key_mark()), "t.yaml:7:7");
}

TEST(YamlReader, EntriesKeepFileOrder) {
  ConfigNode root = parse("b: 1\na: 2\nc: 3\n");
  ASSERT_EQ(root.entries().size(), 3u);
  EXPECT_EQ(root.entries()[0].first, "b");
  EXPECT_EQ(root.entries()[1].first, "a");
  EXPECT_EQ(root.entries()[2].first, "c");
}

TEST(YamlReader, ScalarsKeepTheirTextAndOnlyPlainNullsAreNull) {
  ConfigNode root = parse(R"(octal_looking: 0100
quoted_null: "null"
tilde: ~
empty:
word_null: null
single: 'x'
block: |
  two
  lines
)");
  EXPECT_EQ(at(root, "octal_looking").text(), "0100");
  EXPECT_EQ(at(root, "quoted_null").kind(), ConfigNode::Kind::scalar);
  EXPECT_EQ(at(root, "quoted_null").text(), "null");
  EXPECT_TRUE(at(root, "tilde").is_null());
  EXPECT_TRUE(at(root, "empty").is_null());
  EXPECT_TRUE(at(root, "word_null").is_null());
  EXPECT_EQ(at(root, "single").text(), "x");
  EXPECT_EQ(at(root, "block").text(), "two\nlines\n");
}

TEST(YamlReader, NullsAreMarkedWhereTheyAreWrittenOrAtTheirKeyOrDash) {
  ConfigNode root = parse(R"(tilde: ~
empty:
list:
  - a
  -
  - b
)");
  EXPECT_EQ(where(at(root, "tilde").mark()), "t.yaml:1:8");
  // yaml-cpp would say 3:1, the next token.
  EXPECT_EQ(where(at(root, "empty").mark()), "t.yaml:2:1");
  const ConfigNode& item = at(root, "list").items()[1];
  EXPECT_TRUE(item.is_null());
  EXPECT_EQ(item.path(), "list[1]");
  EXPECT_EQ(where(item.mark()), "t.yaml:5:3");
}

TEST(YamlReader, FlowCollectionsGetPathsAndMarks) {
  ConfigNode root = parse("routing: {strategies: [lua, static]}\n");
  const ConfigNode& strategies = at(at(root, "routing"), "strategies");
  ASSERT_EQ(strategies.items().size(), 2u);
  EXPECT_EQ(strategies.items()[1].text(), "static");
  EXPECT_EQ(strategies.items()[1].path(), "routing.strategies[1]");
  EXPECT_EQ(where(strategies.items()[1].mark()), "t.yaml:1:29");
}

TEST(YamlReader, AliasesAreCopiedUnderThePathWhereTheyAreUsed) {
  ConfigNode root = parse(R"(defaults: &d
  port: 5060
  tags: [a]
sip: *d
list:
  - *d
name: &n joe
again: *n
)");
  const ConfigNode& sip = at(root, "sip");
  ASSERT_EQ(sip.kind(), ConfigNode::Kind::map);
  EXPECT_EQ(sip.path(), "sip");
  EXPECT_EQ(where(sip.mark()), "t.yaml:4:6");  // the alias
  const ConfigNode& port = at(sip, "port");
  EXPECT_EQ(port.text(), "5060");
  EXPECT_EQ(port.path(), "sip.port");
  EXPECT_EQ(where(port.mark()), "t.yaml:2:9");  // where the value is written
  EXPECT_EQ(at(sip, "tags").items()[0].path(), "sip.tags[0]");
  EXPECT_EQ(at(at(root, "list").items()[0], "port").path(), "list[0].port");
  EXPECT_EQ(at(root, "again").text(), "joe");
  EXPECT_EQ(at(root, "again").path(), "again");
}

TEST(YamlReader, AliasInsideItsOwnAnchorIsRejected) {
  EXPECT_EQ(error_of("a: &x [1, *x]\n"), "t.yaml:1:11: a[1]: alias refers to a node that contains it");
}

TEST(YamlReader, AliasExpansionIsBounded) {
  // Each level holds ten copies of the one above; the 8th copy of d (11111 values each) crosses the limit.
  EXPECT_EQ(error_of(R"(a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
)"),
            "t.yaml:5:36: e[7]: aliases expand the document beyond 100000 values");
}

TEST(YamlReader, EmptyDocumentGivesNullRoot) {
  for (std::string_view text : {"", "# only a comment\n", "---\n"}) {
    ConfigNode root = parse(text);
    EXPECT_TRUE(root.is_null()) << text;
    EXPECT_EQ(where(root.mark()), "t.yaml:1:1") << text;
  }
}

TEST(YamlReader, SyntaxErrorCarriesParserPositionAndMessage) {
  EXPECT_EQ(error_of("a:\n  b: 1\n c: 2\n"), "t.yaml:3:2: invalid YAML: end of map not found");
  EXPECT_EQ(error_of("a: 1\nb: [1, 2\nc: 3\n"), "t.yaml:3:2: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of("a: b: c\n"), "t.yaml:1:5: invalid YAML: illegal map value");
}

TEST(YamlReader, UndefinedAliasIsASyntaxError) {
  EXPECT_EQ(error_of("a: *nope\n"), "t.yaml:1:4: invalid YAML: the referenced anchor is not defined");
}

TEST(YamlReader, DuplicateKeyPointsAtTheSecondAndNamesTheFirstLine) {
  EXPECT_EQ(error_of("admin:\n  port: 1\n  address: x\n  port: 2\n"),
            "t.yaml:4:3: admin.port: duplicate key 'port' (first at line 2)");
  EXPECT_EQ(error_of("a: 1\na: 2\n"), "t.yaml:2:1: a: duplicate key 'a' (first at line 1)");
  EXPECT_EQ(error_of("{a: 1, a: 2}\n"), "t.yaml:1:8: a: duplicate key 'a' (first at line 1)");
}

TEST(YamlReader, SameKeyInDifferentMapsIsFine) {
  ConfigNode root = parse("users:\n  - name: a\n  - name: b\n");
  EXPECT_EQ(at(root, "users").items().size(), 2u);
}

TEST(YamlReader, NonScalarMapKeysAreRejected) {
  EXPECT_EQ(error_of("? [a, b]\n: 1\n"), "t.yaml:1:3: map keys must be scalars, got a list");
  EXPECT_EQ(error_of("outer:\n  {x: 1}: 2\n"), "t.yaml:2:3: outer: map keys must be scalars, got a map");
  EXPECT_EQ(error_of("~: 1\n"), "t.yaml:1:1: map keys must be scalars, got null");
}

TEST(YamlReader, SecondDocumentIsRejectedButATrailingSeparatorIsNot) {
  EXPECT_EQ(error_of("a: 1\n---\nb: 2\n"), "t.yaml:2:1: only one YAML document is allowed");
  EXPECT_EQ(error_of("a: 1\n---\n"), "no error");
}

TEST(YamlReader, ReadsFiles) {
  test::TempDir dir;
  auto file = dir.write("junction.yaml", "node:\n  id: j1\n");
  ConfigNode root = read_yaml_file(file.string());
  const ConfigNode& id = at(at(root, "node"), "id");
  EXPECT_EQ(id.text(), "j1");
  EXPECT_EQ(where(id.mark()), file.string() + ":2:7");
}

TEST(YamlReader, MissingFileIsReportedWithTheReason) {
  test::TempDir dir;
  std::string missing = (dir.path() / "missing.yaml").string();
  try {
    read_yaml_file(missing);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ":0:0: cannot read config file: No such file or directory");
  }
}

TEST(YamlReader, DirectoryIsNotAConfigFile) {
  test::TempDir dir;
  try {
    read_yaml_file(dir.path().string());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir.path().string() + ":0:0: cannot read config file: Is a directory");
  }
}

}  // namespace
}  // namespace junction::config
