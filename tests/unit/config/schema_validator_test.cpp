#include "core/config/schema_validator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/yaml_reader.hpp"

namespace junction::config {
namespace {

using S = ConfigSchema;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ConfigSchema server_schema() {
  return S::map({
      {"port", S::integer(1, 65535), required},
      {"bind", S::string().with_default("127.0.0.1")},
  });
}

std::vector<std::string> problems_for(std::string_view yaml, const ConfigSchema& schema) {
  ConfigNode root = read_yaml_string(yaml, "t.yaml");
  return validate(root, schema);
}

// Validates a one-value document "v: <yaml value>" against {"v": schema}.
std::vector<std::string> value_problems(std::string_view value, const ConfigSchema& schema) {
  return problems_for("v: " + std::string(value) + "\n", S::map({{"v", schema}}));
}

TEST(SchemaValidator, ValidTreeHasNoProblems) {
  EXPECT_THAT(problems_for("port: 5060\nbind: 0.0.0.0\n", server_schema()), IsEmpty());
}

TEST(SchemaValidator, FillsDefaultsAtTheParentMark) {
  ConfigNode root = read_yaml_string("server:\n  port: 5060\n", "t.yaml");
  ASSERT_THAT(validate(root, S::map({{"server", server_schema()}})), IsEmpty());
  const ConfigNode* bind = root.find("server")->find("bind");
  ASSERT_NE(bind, nullptr);
  EXPECT_EQ(bind->text(), "127.0.0.1");
  EXPECT_EQ(bind->path(), "server.bind");
  EXPECT_EQ(bind->mark().line, 2);
  EXPECT_EQ(bind->mark().column, 3);
  EXPECT_EQ(bind->mark().file, "t.yaml");
}

TEST(SchemaValidator, UnknownKeySuggestsTheClosestAllowedKey) {
  EXPECT_THAT(problems_for("port: 80\nprot: 81\n", server_schema()),
              ElementsAre("t.yaml:2:1: prot: unknown key 'prot' (did you mean 'port'? allowed: bind, port)"));
}

TEST(SchemaValidator, UnknownKeyWithoutCloseMatchListsAllowedKeys) {
  EXPECT_THAT(problems_for("port: 80\ntimeout: 5\n", server_schema()),
              ElementsAre("t.yaml:2:1: timeout: unknown key 'timeout' (allowed: bind, port)"));
}

TEST(SchemaValidator, UnknownKeyIsReportedAtTheKeyEvenWhenItsValueStartsLater) {
  EXPECT_THAT(problems_for("port: 80\nbinds:\n  - a\n", server_schema()),
              ElementsAre("t.yaml:2:1: binds: unknown key 'binds' (did you mean 'bind'? allowed: bind, port)"));
}

TEST(SchemaValidator, MissingRequiredKeyIsReportedAtTheParentMap) {
  EXPECT_THAT(problems_for("bind: x\n", server_schema()), ElementsAre("t.yaml:1:1: port: missing required key"));
  EXPECT_THAT(problems_for("server:\n  bind: x\n", S::map({{"server", server_schema()}})),
              ElementsAre("t.yaml:2:3: server.port: missing required key"));
}

TEST(SchemaValidator, IntegerOutOfRange) {
  EXPECT_THAT(problems_for("port: 70000\n", server_schema()),
              ElementsAre("t.yaml:1:7: port: expected an integer between 1 and 65535, got 70000"));
  EXPECT_THAT(value_problems("-3", S::integer(0)),
              ElementsAre("t.yaml:1:4: v: expected an integer of at least 0, got -3"));
  EXPECT_THAT(value_problems("11", S::integer(INT64_MIN, 10)),
              ElementsAre("t.yaml:1:4: v: expected an integer of at most 10, got 11"));
  EXPECT_THAT(value_problems("99999999999999999999", S::integer()),
              ElementsAre("t.yaml:1:4: v: expected an integer between -9223372036854775808 and "
                          "9223372036854775807, got 99999999999999999999"));
}

TEST(SchemaValidator, IntegersAreDecimalWithOptionalSign) {
  for (std::string_view ok : {"0", "42", "+7", "-7", "0010"})
    EXPECT_THAT(value_problems(ok, S::integer()), IsEmpty()) << ok;
  for (std::string_view bad : {"0x10", "1_000", "1.5", "1e3", "abc", "+", "''"})
    EXPECT_EQ(value_problems(bad, S::integer()).size(), 1u) << bad;
  EXPECT_THAT(value_problems("abc", S::integer(1, 65535)),
              ElementsAre("t.yaml:1:4: v: expected an integer between 1 and 65535, got 'abc'"));
}

TEST(SchemaValidator, WrongTypeNamesExpectedAndActual) {
  EXPECT_THAT(problems_for("- a\n", server_schema()), ElementsAre("t.yaml:1:1: expected a map, got a list"));
  EXPECT_THAT(value_problems("{a: 1}", S::list(S::string())), ElementsAre("t.yaml:1:4: v: expected a list, got a map"));
  EXPECT_THAT(value_problems("[a]", S::string()), ElementsAre("t.yaml:1:4: v: expected a string, got a list"));
  EXPECT_THAT(value_problems("{a: 1}", S::integer()), ElementsAre("t.yaml:1:4: v: expected an integer, got a map"));
  EXPECT_THAT(value_problems("fast", S::number()), ElementsAre("t.yaml:1:4: v: expected a number, got 'fast'"));
  EXPECT_THAT(value_problems("maybe", S::boolean()),
              ElementsAre("t.yaml:1:4: v: expected a boolean (true/false, yes/no, on/off), got 'maybe'"));
  EXPECT_THAT(value_problems("abc", S::map({})), ElementsAre("t.yaml:1:4: v: expected a map, got 'abc'"));
}

TEST(SchemaValidator, ScalarInMessagesStaysOnOneLine) {
  EXPECT_THAT(value_problems("|\n  two\n  lines\n", S::integer()),
              ElementsAre("t.yaml:1:4: v: expected an integer, got 'two\\nlines\\n'"));
}

TEST(SchemaValidator, NotOneOfTheChoices) {
  EXPECT_THAT(value_problems("verbose", S::one_of({"debug", "info"})),
              ElementsAre("t.yaml:1:4: v: expected one of debug, info, got 'verbose'"));
  EXPECT_THAT(value_problems("[info]", S::one_of({"debug", "info"})),
              ElementsAre("t.yaml:1:4: v: expected one of debug, info, got a list"));
  EXPECT_THAT(value_problems("info", S::one_of({"debug", "info"})), IsEmpty());
}

TEST(SchemaValidator, NullWhereAValueIsRequired) {
  EXPECT_THAT(problems_for("port:\n", server_schema()),
              ElementsAre("t.yaml:1:1: port: expected an integer between 1 and 65535, got null"));
  EXPECT_THAT(value_problems("~", S::string()), ElementsAre("t.yaml:1:4: v: expected a string, got null"));
  EXPECT_THAT(problems_for("v:\n  - a\n  -\n", S::map({{"v", S::list(S::string())}})),
              ElementsAre("t.yaml:3:3: v[1]: expected a string, got null"));
}

TEST(SchemaValidator, StringAcceptsAnyScalar) {
  for (std::string_view ok : {"1001", "true", "'quoted'", "1.5", "\"null\""})
    EXPECT_THAT(value_problems(ok, S::string()), IsEmpty()) << ok;
}

TEST(SchemaValidator, AnyAcceptsEverything) {
  for (std::string_view ok : {"1", "[1, 2]", "{a: b}", "~", ""})
    EXPECT_THAT(value_problems(ok, S::any()), IsEmpty()) << ok;
}

TEST(SchemaValidator, NumbersAcceptDecimalAndExponentForms) {
  for (std::string_view ok : {"1", "-1.5", "+.5", "2.", "6.02e23", "1E-3"})
    EXPECT_THAT(value_problems(ok, S::number()), IsEmpty()) << ok;
  for (std::string_view bad : {".", "1e", "e3", ".inf", "1.2.3"})
    EXPECT_EQ(value_problems(bad, S::number()).size(), 1u) << bad;
}

TEST(SchemaValidator, BooleansAcceptYamlSpellingsAndAreNormalized) {
  ConfigNode root = read_yaml_string("a: yes\nb: off\nc: True\nd: false\n", "t.yaml");
  auto schema = S::map({{"a", S::boolean()}, {"b", S::boolean()}, {"c", S::boolean()}, {"d", S::boolean()}});
  ASSERT_THAT(validate(root, schema), IsEmpty());
  EXPECT_EQ(root.find("a")->text(), "true");
  EXPECT_EQ(root.find("b")->text(), "false");
  EXPECT_TRUE(root.get_bool("c"));
  EXPECT_FALSE(root.get_bool("d", true));
  EXPECT_EQ(root.find("b")->key_mark().line, 2);  // normalizing keeps the marks
  EXPECT_EQ(root.find("b")->mark().column, 4);
}

TEST(SchemaValidator, ListValidatesEveryItem) {
  EXPECT_THAT(
      problems_for("[1, x, 3, y]\n", S::list(S::integer())),
      ElementsAre("t.yaml:1:5: [1]: expected an integer, got 'x'", "t.yaml:1:11: [3]: expected an integer, got 'y'"));
}

TEST(SchemaValidator, MapOfValidatesEveryValue) {
  EXPECT_THAT(problems_for("trunks:\n  a: 1\n  b: x\n", S::map({{"trunks", S::map_of(S::integer())}})),
              ElementsAre("t.yaml:3:6: trunks.b: expected an integer, got 'x'"));
}

TEST(SchemaValidator, ReportsEveryProblemNotJustTheFirst) {
  auto schema = S::map({{"servers", S::list(server_schema())}});
  EXPECT_THAT(problems_for(R"(servers:
  - port: 0
    bnd: x
  - bind: [a]
)",
                           schema),
              ElementsAre("t.yaml:2:11: servers[0].port: expected an integer between 1 and 65535, got 0",
                          "t.yaml:3:5: servers[0].bnd: unknown key 'bnd' (did you mean 'bind'? allowed: bind, port)",
                          "t.yaml:4:11: servers[1].bind: expected a string, got a list",
                          "t.yaml:4:5: servers[1].port: missing required key"));
}

}  // namespace
}  // namespace junction::config
