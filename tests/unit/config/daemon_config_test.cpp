#include "core/config/daemon_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/config/temp_dir.hpp"

namespace junction {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

// A config file in <tmp>/etc with the default scripts in <tmp>/scripts, as installed.
class DaemonConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("scripts/flows/default.lua", "-- flow\n");
    dir_.write("scripts/routing/default.lua", "-- routing\n");
  }

  fs::path root() const { return dir_.path(); }
  std::string file() const { return (dir_.path() / "etc" / "junction.yaml").string(); }
  // "file:line:column: rest", the way every problem starts.
  std::string at(int line, int column, const std::string& rest) const {
    return file() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + rest;
  }

  DaemonConfig parse(std::string_view yaml) const { return parse_daemon_config(yaml, file()); }

  std::vector<std::string> problems(std::string_view yaml) const {
    try {
      parse(yaml);
    } catch (const ConfigErrors& e) {
      return e.problems();
    }
    return {};
  }

  test::TempDir dir_;
};

constexpr std::string_view kFullConfig = R"(node:
  id: junction-1
log:
  level: debug
admin:
  enabled: no
  address: "::1"
  port: 0
plugin_directory: ../build/bin/plugins
plugins:
  - name: prefix_routes
    path: lib/prefix_routes.so
    config:
      prefixes: {"+1": us}
  - name: recorder
    enabled: off
    path: /opt/recorder.so
  - name: metrics
scripts:
  directory: ../scripts
  flow: flows/default.lua
  routing: /ROOT/scripts/routing/default.lua
  instruction_limit: 5000
  memory_limit_mb: 64
routing:
  strategies: [lua, static]
users:
  - extension: 1001
    name: Alice Example
    email: alice@example.com
    sip_password: secret
    voicemail_pin: "0123"
  - extension: "*97"
shutdown:
  drain_timeout_ms: 250
)";

TEST_F(DaemonConfigTest, FullConfigIsConvertedWithPathsResolved) {
  std::string yaml(kFullConfig);
  yaml.replace(yaml.find("/ROOT"), 5, root().string());
  DaemonConfig config = parse(yaml);

  EXPECT_EQ(config.file, file());
  EXPECT_EQ(config.node_id, "junction-1");
  EXPECT_EQ(config.log_level, LogLevel::debug);
  EXPECT_FALSE(config.admin.enabled);
  EXPECT_EQ(config.admin.address, "::1");
  EXPECT_EQ(config.admin.port, 0);
  EXPECT_EQ(config.plugin_directory, root() / "build/bin/plugins");

  ASSERT_EQ(config.plugins.size(), 2u);  // the disabled recorder is left out
  const PluginEntry& prefix = config.plugins[0];
  EXPECT_EQ(prefix.name, "prefix_routes");
  EXPECT_EQ(prefix.path, (root() / "etc/lib/prefix_routes.so").string());
  EXPECT_TRUE(prefix.enabled);
  EXPECT_EQ(prefix.key_path, "plugins[0]");
  EXPECT_EQ(prefix.mark.line, 11);
  EXPECT_EQ(prefix.mark.column, 5);
  ASSERT_EQ(prefix.config.kind(), ConfigNode::Kind::map);
  const ConfigNode* prefixes = prefix.config.find("prefixes");
  ASSERT_NE(prefixes, nullptr);
  EXPECT_EQ(prefixes->path(), "plugins[0].config.prefixes");
  EXPECT_EQ(prefixes->get_string("+1"), "us");

  const PluginEntry& metrics = config.plugins[1];
  EXPECT_EQ(metrics.name, "metrics");
  EXPECT_EQ(metrics.path, "");
  EXPECT_EQ(metrics.key_path, "plugins[2]");
  EXPECT_EQ(metrics.config.kind(), ConfigNode::Kind::map);
  EXPECT_TRUE(metrics.config.entries().empty());
  EXPECT_EQ(metrics.config.path(), "plugins[2].config");

  EXPECT_EQ(config.scripts.directory, root() / "scripts");
  EXPECT_EQ(config.scripts.flow, root() / "scripts/flows/default.lua");
  EXPECT_EQ(config.scripts.routing, root() / "scripts/routing/default.lua");
  EXPECT_EQ(config.scripts.instruction_limit, 5000u);
  EXPECT_EQ(config.scripts.memory_limit_bytes, std::size_t{64} << 20);
  EXPECT_THAT(config.routing_strategies, ElementsAre("lua", "static"));

  ASSERT_EQ(config.users.size(), 2u);
  EXPECT_EQ(config.users[0].extension, "1001");
  EXPECT_EQ(config.users[0].display_name, "Alice Example");
  EXPECT_EQ(config.users[0].email, "alice@example.com");
  EXPECT_EQ(config.users[0].sip_password, "secret");
  EXPECT_EQ(config.users[0].voicemail_pin, "0123");
  EXPECT_EQ(config.users[1].extension, "*97");
  EXPECT_EQ(config.users[1].display_name, "");
  EXPECT_EQ(config.users[1].sip_password, "");
  EXPECT_EQ(config.drain_timeout, std::chrono::milliseconds(250));
}

TEST_F(DaemonConfigTest, MinimalConfigGetsEveryDefault) {
  DaemonConfig config = parse("node:\n  id: j1\n");
  EXPECT_EQ(config.node_id, "j1");
  EXPECT_EQ(config.log_level, LogLevel::info);
  EXPECT_TRUE(config.admin.enabled);
  EXPECT_EQ(config.admin.address, "127.0.0.1");
  EXPECT_EQ(config.admin.port, 8080);
  EXPECT_TRUE(config.plugin_directory.empty());
  EXPECT_TRUE(config.plugins.empty());
  EXPECT_EQ(config.scripts.directory, root() / "scripts");
  EXPECT_EQ(config.scripts.flow, root() / "scripts/flows/default.lua");
  EXPECT_EQ(config.scripts.routing, root() / "scripts/routing/default.lua");
  EXPECT_EQ(config.scripts.instruction_limit, 10'000'000u);
  EXPECT_EQ(config.scripts.memory_limit_bytes, std::size_t{256} << 20);
  EXPECT_THAT(config.routing_strategies, ElementsAre("lua"));
  EXPECT_TRUE(config.users.empty());
  EXPECT_EQ(config.drain_timeout, std::chrono::milliseconds(5000));
}

TEST_F(DaemonConfigTest, PartialSectionsGetTheRestFromDefaults) {
  DaemonConfig config = parse("node:\n  id: j1\nadmin:\n  port: 9000\nscripts:\n  memory_limit_mb: 1\n");
  EXPECT_TRUE(config.admin.enabled);
  EXPECT_EQ(config.admin.address, "127.0.0.1");
  EXPECT_EQ(config.admin.port, 9000);
  EXPECT_EQ(config.scripts.memory_limit_bytes, std::size_t{1} << 20);
  EXPECT_EQ(config.scripts.instruction_limit, 10'000'000u);
}

TEST_F(DaemonConfigTest, LoadsFromFile) {
  dir_.write("etc/junction.yaml", "node:\n  id: from-file\n");
  DaemonConfig config = load_daemon_config(file());
  EXPECT_EQ(config.file, file());
  EXPECT_EQ(config.node_id, "from-file");
  EXPECT_EQ(config.scripts.flow, root() / "scripts/flows/default.lua");
}

TEST_F(DaemonConfigTest, RelativeFileNameResolvesAgainstTheCurrentDirectory) {
  std::string yaml =
      "node:\n  id: j1\nplugin_directory: plugins\nscripts:\n  directory: " + (root() / "scripts").string() + "\n";
  DaemonConfig config = parse_daemon_config(yaml, "conf/junction.yaml");
  EXPECT_EQ(config.plugin_directory, fs::current_path() / "conf/plugins");
  EXPECT_EQ(config.scripts.flow, root() / "scripts/flows/default.lua");
}

TEST_F(DaemonConfigTest, MissingFile) {
  std::string missing = (root() / "nope.yaml").string();
  try {
    load_daemon_config(missing);
    FAIL() << "no error";
  } catch (const ConfigErrors& e) {
    EXPECT_THAT(e.problems(), ElementsAre(missing + ":0:0: cannot read config file: No such file or directory"));
  }
}

TEST_F(DaemonConfigTest, EmptyDocument) {
  EXPECT_THAT(problems(""), ElementsAre(at(1, 1, "the config file is empty")));
  EXPECT_THAT(problems("# everything commented out\n"), ElementsAre(at(1, 1, "the config file is empty")));
}

TEST_F(DaemonConfigTest, DocumentMustBeAMap) {
  EXPECT_THAT(problems("- node\n"), ElementsAre(at(1, 1, "expected a map, got a list")));
  EXPECT_THAT(problems("junction\n"), ElementsAre(at(1, 1, "expected a map, got 'junction'")));
}

TEST_F(DaemonConfigTest, YamlSyntaxError) {
  EXPECT_THAT(problems("node:\n  id: j1\n bad: 1\n"), ElementsAre(at(3, 2, "invalid YAML: end of map not found")));
}

TEST_F(DaemonConfigTest, DuplicateKey) {
  EXPECT_THAT(problems("node:\n  id: a\n  id: b\n"),
              ElementsAre(at(3, 3, "node.id: duplicate key 'id' (first at line 2)")));
}

TEST_F(DaemonConfigTest, UnknownKeySuggestsASection) {
  EXPECT_THAT(problems("node:\n  id: j1\nadmn:\n  port: 1\n"),
              ElementsAre(at(
                  3, 1,
                  "admn: unknown key 'admn' (did you mean 'admin'? allowed: admin, log, node, open_directory, "
                  "plugin_directory, plugins, routing, scripts, shutdown, spool, state_directory, users, voicemail)")));
}

TEST_F(DaemonConfigTest, MissingRequiredKeys) {
  EXPECT_THAT(problems("log:\n  level: info\n"), ElementsAre(at(1, 1, "node: missing required key")));
  EXPECT_THAT(problems("node:\n  name: j1\n"), ElementsAre(at(2, 3, "node.name: unknown key 'name' (allowed: id)"),
                                                           at(2, 3, "node.id: missing required key")));
  EXPECT_THAT(problems("node:\n  id: j1\nplugins:\n  - path: x.so\n"),
              ElementsAre(at(4, 5, "plugins[0].name: missing required key")));
}

TEST_F(DaemonConfigTest, WrongTypesAndRanges) {
  EXPECT_THAT(
      problems(R"(node:
  id: j1
log:
  level: verbose
admin:
  enabled: maybe
  port: 70000
scripts:
  instruction_limit: 10
  memory_limit_mb: lots
shutdown:
  drain_timeout_ms: -1
users: {}
)"),
      ElementsAre(at(4, 10, "log.level: expected one of trace, debug, info, warn, error, off, got 'verbose'"),
                  at(6, 12, "admin.enabled: expected a boolean (true/false, yes/no, on/off), got 'maybe'"),
                  at(7, 9, "admin.port: expected an integer between 0 and 65535, got 70000"),
                  at(9, 22, "scripts.instruction_limit: expected an integer between 1000 and 1000000000000, got 10"),
                  at(10, 20, "scripts.memory_limit_mb: expected an integer between 1 and 65536, got 'lots'"),
                  at(12, 21, "shutdown.drain_timeout_ms: expected an integer between 0 and 600000, got -1"),
                  at(13, 8, "users: expected a list, got a map")));
}

TEST_F(DaemonConfigTest, NullWhereAValueIsRequired) {
  EXPECT_THAT(problems("node:\n  id:\n"), ElementsAre(at(2, 3, "node.id: expected a string, got null")));
  EXPECT_THAT(problems("node:\n  id: j1\nusers:\n  -\n"), ElementsAre(at(4, 3, "users[0]: expected a map, got null")));
}

TEST_F(DaemonConfigTest, BadNodeId) {
  EXPECT_THAT(
      problems("node:\n  id: junction 1\n"),
      ElementsAre(at(2, 7, "node.id: expected 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', got 'junction 1'")));
  EXPECT_THAT(problems("node:\n  id: " + std::string(65, 'a') + "\n").size(), 1u);
}

TEST_F(DaemonConfigTest, AdminAddressMustBeAnIpLiteral) {
  EXPECT_THAT(problems("node:\n  id: j1\nadmin:\n  address: localhost\n"),
              ElementsAre(at(4, 12, "admin.address: expected an IPv4 or IPv6 address, got 'localhost'")));
  EXPECT_EQ(parse("node:\n  id: j1\nadmin:\n  address: 0.0.0.0\n").admin.address, "0.0.0.0");
  EXPECT_EQ(parse("node:\n  id: j1\nadmin:\n  address: '::'\n").admin.address, "::");
}

TEST_F(DaemonConfigTest, PluginProblems) {
  EXPECT_THAT(problems(R"(node:
  id: j1
plugins:
  - name: prefix_routes
  - name: Prefix
  - name: prefix_routes
    enabled: false
  - name: recorder
    config: [a, b]
  - name: quiet
    config:
)"),
              ElementsAre(at(5, 11, "plugins[1].name: expected 1-64 characters of a-z, 0-9, '_', '-', got 'Prefix'"),
                          at(6, 11, "plugins[2].name: duplicate plugin name 'prefix_routes' (first defined at line 4)"),
                          at(9, 13, "plugins[3].config: expected a map, got a list")));
}

TEST_F(DaemonConfigTest, DuplicateExtension) {
  EXPECT_THAT(problems(R"(node:
  id: j1
admin:
  port: 8080
log:
  level: info
shutdown:
  drain_timeout_ms: 0
users:
  - extension: "1000"
    name: Zero
  - extension: 1001
  - extension: 1002
  - extension: "1001"
)"),
              ElementsAre(at(14, 16, "users[3].extension: duplicate extension '1001' (first defined at line 12)")));
}

TEST_F(DaemonConfigTest, UserFieldFormats) {
  EXPECT_THAT(
      problems(R"(node:
  id: j1
users:
  - extension: 10a1
  - extension: "123456789012345678901234567890123"
  - extension: "#1"
    email: alice
  - extension: "2"
    email: a@b@c
  - extension: "3"
    email: "@example.com"
    voicemail_pin: 12
  - extension: "4"
    voicemail_pin: 12a4
  - extension: "5"
    email: bob@example.com
    voicemail_pin: "000000000000"
)"),
      ElementsAre(
          at(4, 16, "users[0].extension: expected 1-32 characters of 0-9, '*', '#', '+', got '10a1'"),
          at(5, 16,
             "users[1].extension: expected 1-32 characters of 0-9, '*', '#', '+', got "
             "'123456789012345678901234567890123'"),
          at(7, 12, "users[2].email: expected an email address with one '@' and text on both sides, got 'alice'"),
          at(9, 12, "users[3].email: expected an email address with one '@' and text on both sides, got 'a@b@c'"),
          at(11, 12,
             "users[4].email: expected an email address with one '@' and text on both sides, got "
             "'@example.com'"),
          at(12, 20, "users[4].voicemail_pin: expected 4-12 digits, got '12'"),
          at(14, 20, "users[5].voicemail_pin: expected 4-12 digits, got '12a4'")));
}

TEST_F(DaemonConfigTest, MissingScriptFiles) {
  fs::remove(root() / "scripts/routing/default.lua");
  // The section is absent, so the default path is reported at the document's start.
  EXPECT_THAT(
      problems("node:\n  id: j1\n"),
      ElementsAre(at(1, 1, "scripts.routing: file not found: " + (root() / "scripts/routing/default.lua").string())));
  EXPECT_THAT(
      problems("node:\n  id: j1\nscripts:\n  flow: flows/other.lua\n"),
      ElementsAre(at(4, 9, "scripts.flow: file not found: " + (root() / "scripts/flows/other.lua").string()),
                  at(4, 3, "scripts.routing: file not found: " + (root() / "scripts/routing/default.lua").string())));
  EXPECT_THAT(problems("node:\n  id: j1\nscripts:\n  routing: routing\n"),
              ElementsAre(at(4, 12, "scripts.routing: not a regular file: " + (root() / "scripts/routing").string())));
}

TEST_F(DaemonConfigTest, MissingScriptDirectoryIsOneProblem) {
  EXPECT_THAT(problems("node:\n  id: j1\nscripts:\n  directory: /nonexistent/scripts\n"),
              ElementsAre(at(4, 14, "scripts.directory: directory not found: /nonexistent/scripts")));
}

TEST_F(DaemonConfigTest, CollectsEveryProblemAndJoinsThemInWhat) {
  try {
    parse(R"(node:
  id: "bad id"
admin:
  port: 99999
users:
  - extension: "1"
  - extension: "1"
)");
    FAIL() << "no error";
  } catch (const ConfigErrors& e) {
    std::vector<std::string> expected = {
        at(4, 9, "admin.port: expected an integer between 0 and 65535, got 99999"),
        at(2, 7, "node.id: expected 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', got 'bad id'"),
        at(7, 16, "users[1].extension: duplicate extension '1' (first defined at line 6)"),
    };
    EXPECT_EQ(e.problems(), expected);
    EXPECT_EQ(std::string(e.what()), expected[0] + "\n" + expected[1] + "\n" + expected[2]);
  }
}

TEST(DaemonConfigSchema, DescribesEverySection) {
  ConfigSchema schema = daemon_config_schema();
  ASSERT_TRUE(schema.has_fields());
  std::vector<std::string> keys;
  for (const auto& field : schema.fields()) keys.push_back(field.key);
  EXPECT_THAT(keys, ElementsAre("node", "log", "admin", "plugin_directory", "plugins", "state_directory", "scripts",
                                "spool", "voicemail", "routing", "users", "open_directory", "shutdown"));
}

}  // namespace
}  // namespace junction
