#include "core/config/daemon_config.hpp"

namespace junction {

ConfigSchema daemon_config_schema() {
  using S = ConfigSchema;
  std::vector<std::string> levels(std::begin(kLogLevelNames), std::end(kLogLevelNames));

  auto plugin = S::map({
      {"name", S::string().with_doc("unique, [a-z0-9_-]{1,64}"), required},
      {"path", S::string().with_doc("shared object; relative to the config file")},
      {"enabled", S::boolean().with_default("true").with_doc("false: listed but not loaded")},
      {"config", S::any().with_doc("the plugin's own block, a map checked against the plugin's schema")},
  });
  auto user = S::map({
      {"extension", S::string().with_doc("unique, 1-32 characters of 0-9 * # +"), required},
      {"name", S::string().with_default("").with_doc("display name")},
      {"email", S::string().with_doc("where voice and fax messages go")},
      {"sip_password", S::string().with_doc("absent: the user cannot register")},
      {"voicemail_pin", S::string().with_doc("4-12 digits; absent: mailbox menu disabled")},
      {"sip_auth", S::list(S::one_of({"sha256", "md5"}))
                       .with_doc("digest algorithms this user may use; absent: the SIP plugin's default")},
      {"language",
       S::string().with_doc("what speech and prompts use for this user (an espeak-ng voice: en, de, fr ...)")},
  });

  return S::map({
      {"node",
       S::map({{"id", S::string().with_doc("this node's name in logs and /health, [A-Za-z0-9._-]{1,64}"), required}}),
       required},
      {"log", S::map({{"level", S::one_of(levels).with_default("info").with_doc("--log-level overrides it")}})},
      {"admin", S::map({
                    {"enabled", S::boolean().with_default("true").with_doc("serve GET /health and GET /metrics")},
                    {"address", S::string().with_default("127.0.0.1").with_doc("IPv4 or IPv6 literal")},
                    {"port", S::integer(0, 65535).with_default("8080").with_doc("0: pick a free port")},
                })},
      {"plugin_directory", S::string().with_doc("searched first for junction_<name>.so; relative to the config file")},
      {"plugins", S::list(plugin)},
      {"state_directory", S::string().with_default("../var").with_doc(
                              "where junctiond keeps its state (registrations: location.db); created if missing; "
                              "relative to the config file")},
      {"scripts",
       S::map({
           {"directory", S::string().with_default("../scripts").with_doc("relative to the config file")},
           {"flow", S::string().with_default("flows/default.lua").with_doc("relative to directory")},
           {"routing", S::string().with_default("routing/default.lua").with_doc("relative to directory")},
           {"instruction_limit", S::integer(1000, 1'000'000'000'000)
                                     .with_default("10000000")
                                     .with_doc("VM instructions a flow may run between two waiting verbs")},
           {"memory_limit_mb", S::integer(1, 65536).with_default("256").with_doc("memory cap of the whole Lua state")},
       })},
      {"spool",
       S::map(
           {
               {"directory", S::string().with_doc("where messages are kept; default <state_directory>/spool")},
               {"reserve_mb",
                S::integer(0, 1'000'000)
                    .with_default("64")
                    .with_doc("free disk space kept: a new message that would use it is refused (\"spool full\")")},
               {"connector",
                S::string().with_default("pickup").with_doc("the message connector that delivers messages")},
               {"retry_min_s", S::integer(1, 86400).with_default("30").with_doc("the first retry's delay; it doubles")},
               {"retry_max_s",
                S::integer(1, 604800).with_default("3600").with_doc("the longest delay between attempts")},
               {"max_attempts", S::integer(1, 10000).with_default("30").with_doc(
                                    "then the message is dead (an operator may retry it)")},
               {"parallel", S::integer(1, 256).with_default("4").with_doc("deliveries at once")},
               {"keep_delivered_days",
                S::integer(1, 3650).with_default("30").with_doc(
                    "how long a delivered message's record and history stay (its files go at once)")},
           })
           .with_doc("the durable message spool (voice and fax messages, e-mail to send)")},
      {"voicemail",
       S::map({
                  {"directory", S::string().with_doc("where mailboxes are kept; default <state_directory>/voicemail")},
                  {"max_messages", S::integer(1, 100'000)
                                       .with_default("100")
                                       .with_doc("messages a mailbox keeps; more are refused (\"mailbox full\")")},
                  {"reserve_mb", S::integer(0, 1'000'000)
                                     .with_default("64")
                                     .with_doc("free disk space kept: a message or greeting that would use it is "
                                               "refused (\"mailbox storage full\")")},
                  {"pin_failures",
                   S::integer(1, 100).with_default("3").with_doc("wrong PINs in a row that lock a mailbox's menu")},
                  {"lockout_s", S::integer(1, 86400).with_default("60").with_doc(
                                    "how long the first lockout lasts; each further one doubles it")},
                  {"lockout_max_s", S::integer(1, 604800).with_default("3600").with_doc("the longest lockout")},
              })
           .with_doc("the users' voice mailboxes (messages, greetings, PINs)")},
      {"routing",
       S::map({{"strategies",
                S::list(S::string()).with_doc("routing strategies asked in order for plain numbers; default [lua]")}})},
      {"users", S::list(user)},
      {"open_directory",
       S::map({{"password", S::string().with_doc("the SIP password of every such user; unset: off")}})
           .with_doc("benchmarks only, never in production: every name of letters, digits and '_' is a user "
                     "with this SIP password (what ../shared/bench/sip expects of a server)")},
      {"shutdown",
       S::map({{"drain_timeout_ms", S::integer(0, 600'000)
                                        .with_default("5000")
                                        .with_doc("how long SIGTERM waits for calls to end before clearing them")}})},
  });
}

}  // namespace junction
