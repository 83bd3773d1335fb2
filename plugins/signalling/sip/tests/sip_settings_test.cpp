#include "sip_settings.hpp"

#include <gtest/gtest.h>

#include "core/config/schema_validator.hpp"
#include "core/config/yaml_reader.hpp"

namespace junction::sip {
namespace {

// Validates `yaml` as the plugin's block; returns the settings or the problems.
SipSettings settings(const std::string& yaml, std::vector<std::string>* problems = nullptr) {
  ConfigNode block = config::read_yaml_string(yaml, "sip.yaml");
  auto found = config::validate(block, sip_config_schema());
  if (problems) *problems = found;
  if (!found.empty()) return {};
  return read_sip_settings(block);
}

TEST(SipSettings, DefaultsListenOnLoopbackUdpAndTcp) {
  const auto s = settings("realm: pbx.example\n");
  EXPECT_EQ(s.realm, "pbx.example");
  ASSERT_EQ(s.listen.size(), 2u);
  EXPECT_EQ(s.listen[0].transport, "udp");
  EXPECT_EQ(s.listen[1].transport, "tcp");
  EXPECT_EQ(s.listen[1].port, 5060);
  EXPECT_EQ(s.registrar.min_expires, std::chrono::seconds(60));
  EXPECT_EQ(s.algorithms.size(), 2u);
  EXPECT_EQ(s.throttle.max_failures, 5);
}

TEST(SipSettings, SchemaProblemsNameLineAndKey) {
  std::vector<std::string> problems;
  settings("listen:\n  - transport: sctp\n    port: 70000\n", &problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("sip.yaml:2:16: listen[0].transport:"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("sip.yaml:3:11: listen[0].port: expected an integer between 1 and 65535"),
            std::string::npos)
      << problems[1];
}

TEST(SipSettings, InconsistentValuesAreRefused) {
  EXPECT_THROW(settings("registrar:\n  min_expires: 600\n  max_expires: 60\n"), ConfigError);
  EXPECT_THROW(settings("listen:\n  - transport: tls\n    port: 5061\n"), ConfigError);
  EXPECT_THROW(settings("listen:\n  - port: 5070\n  - port: 5070\n"), ConfigError);
  EXPECT_THROW(settings("digest_algorithms: []\n"), ConfigError);
}

TEST(MwiSettings, DefaultsAndValues) {
  auto s = settings("realm: pbx\n");
  EXPECT_EQ(s.mwi.min_expires, std::chrono::seconds(60));
  EXPECT_EQ(s.mwi.max_expires, std::chrono::seconds(3600));
  EXPECT_EQ(s.mwi.max_per_user, 10u);
  EXPECT_EQ(s.mwi.max_subscriptions, 10000u);
  s = settings("mwi: { min_expires_s: 5, max_expires_s: 600, max_per_user: 3, max_subscriptions: 40 }\n");
  EXPECT_EQ(s.mwi.min_expires, std::chrono::seconds(5));
  EXPECT_EQ(s.mwi.max_expires, std::chrono::seconds(600));
  EXPECT_EQ(s.mwi.max_per_user, 3u);
  EXPECT_EQ(s.mwi.max_subscriptions, 40u);
}

TEST(MwiSettings, BadValuesAreClearConfigErrors) {
  std::vector<std::string> problems;
  settings("mwi:\n  max_per_user: 0\n  min_expires_s: abc\n  max_expire_s: 5\n", &problems);
  ASSERT_EQ(problems.size(), 3u);
  const std::string all = problems[0] + "\n" + problems[1] + "\n" + problems[2];
  EXPECT_NE(all.find("mwi.max_per_user: expected an integer between 1 and 1000"), std::string::npos) << all;
  EXPECT_NE(all.find("mwi.min_expires_s:"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key 'max_expire_s'"), std::string::npos) << all;
  EXPECT_THROW(settings("mwi: { min_expires_s: 600, max_expires_s: 60 }\n"), ConfigError);
  EXPECT_THROW(settings("mwi: { max_per_user: 50, max_subscriptions: 20 }\n"), ConfigError);
}

}  // namespace
}  // namespace junction::sip
