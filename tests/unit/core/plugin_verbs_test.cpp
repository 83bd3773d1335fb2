// Verbs added through the registry, as plugins add them: synchronous and asynchronous
// completion, rejection, argument errors from the handler, modules, reserved verbs.
#include <gtest/gtest.h>

#include "flow_harness.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;
using junction::testing::make_verb;

namespace junction {
namespace {

TEST(PluginVerbs, SyncAsyncRejectAndModules) {
  FlowHarness h(R"(
function on_call(call)
  log("echo " .. test.echo("x"))
  local a, b = test.later(250)
  log("later " .. tostring(a) .. " " .. tostring(b))
  local ok, why = test.refuse()
  log("refuse " .. tostring(ok) .. " " .. tostring(why))
  local fine, err = pcall(function() test.echo = nil end)
  log("module write " .. tostring(fine) .. " " .. tostring(err))
end)");
  h.registry.add_verb("test", make_verb("test.echo", {{"text", ParamType::string, false, ""}},
                                        [](VerbCall& call) { call.completion->resolve({*call.args[0].string()}); }));
  ManualExecutor& loop = h.loop;
  h.registry.add_verb(
      "test", make_verb("test.later", {{"ms", ParamType::integer, false, ""}}, [&loop](VerbCall& call) {
        auto done = call.completion;
        loop.call_after(std::chrono::milliseconds(*call.args[0].integer()), [done] { done->resolve({1, "two"}); });
      }));
  h.registry.add_verb("test", make_verb("test.refuse", {}, [](VerbCall& call) { call.completion->reject("nope"); }));
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_NE(h.log().find("echo x"), std::string::npos) << h.log();
  EXPECT_EQ(h.log().find("later"), std::string::npos) << "the flow waits for the async verb";
  h.loop.advance(250ms);
  const std::string log = h.log();
  EXPECT_NE(log.find("later 1 two"), std::string::npos) << log;
  EXPECT_NE(log.find("refuse nil nope"), std::string::npos) << log;
  EXPECT_NE(log.find("module write false"), std::string::npos) << log;
  EXPECT_NE(log.find("read-only"), std::string::npos) << log;
}

TEST(PluginVerbs, HandlerExceptionsEndTheCallWithScriptPosition) {
  FlowHarness h(R"(
function on_call(call)
  if call.callee == "arg" then test.picky(5) end
  test.broken()
end)");
  h.registry.add_verb("test", make_verb("test.picky", {{"n", ParamType::integer, false, ""}},
                                        [](VerbCall&) { throw VerbArgumentError("n must be even"); }));
  h.registry.add_verb("test",
                      make_verb("test.broken", {}, [](VerbCall&) { throw std::runtime_error("disk on fire"); }));
  ASSERT_EQ(h.load(), "");
  h.call("arg");
  h.call("other");
  const std::string log = h.log();
  EXPECT_NE(log.find("flows/default.lua:3: test.picky: n must be even"), std::string::npos) << log;
  EXPECT_NE(log.find("flows/default.lua:4: test.broken: failed: disk on fire"), std::string::npos) << log;
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(PluginVerbs, ReservedVerbIsImplementedByAPluginWithTheCoreSignature) {
  FlowHarness h(R"(
function on_call(call)
  log("played " .. tostring(play("hello.wav")))
end)");
  EXPECT_THROW(
      h.registry.add_verb("media", make_verb("play", {{"files", ParamType::string, false, ""}}, [](VerbCall&) {})),
      std::invalid_argument)
      << "a different signature than the core declares is refused";
  h.registry.add_verb("media",
                      make_verb("play", {{"files", ParamType::any, false, ""}, {"options", ParamType::table, true, ""}},
                                [](VerbCall& call) { call.completion->resolve({true}); }));
  EXPECT_THROW(
      h.registry.add_verb(
          "other", make_verb("play", {{"files", ParamType::any, false, ""}, {"options", ParamType::table, true, ""}},
                             [](VerbCall&) {})),
      std::invalid_argument)
      << "a second implementation is refused";
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_NE(h.log().find("played true"), std::string::npos) << h.log();
  h.registry.remove_owner("media");
  EXPECT_FALSE(h.registry.verbs().at("play").spec.handler) << "the reservation stays when its plugin goes";
}

TEST(PluginVerbs, BadVerbNamesAreRefused) {
  FlowHarness h("function on_call(call) end");
  for (const char* name : {"", "1abc", "a.b.c", ".x", "x.", "has space", "dash-name"})
    EXPECT_THROW(h.registry.add_verb("t", make_verb(name, {}, [](VerbCall&) {})), std::invalid_argument) << name;
}

}  // namespace
}  // namespace junction

namespace junction {
namespace {

TEST(LocationVerbs, LookupListsTheRegisteredContactsNewestFirst) {
  FlowHarness h(R"(
function on_call(call)
  local contacts = location.lookup(call.callee)
  log(call.callee .. " has " .. #contacts .. " contacts")
  for _, c in ipairs(contacts) do
    log(c.contact .. " via " .. c.received .. " by " .. c.user_agent .. " ttl_ok=" .. tostring(c.expires_in > 50))
  end
end)");
  ContactBinding older;
  older.extension = "1001";
  older.contact = "sip:1001@10.0.0.1:5060";
  older.received = "udp:203.0.113.1:40000";
  older.user_agent = "deskphone";
  older.expires = std::chrono::system_clock::now() + std::chrono::seconds(60);
  ContactBinding newer = older;
  newer.contact = "sip:1001@10.0.0.2:5060";
  newer.user_agent = "softphone";
  h.location->bind(older);
  h.location->bind(newer);
  ASSERT_EQ(h.load(), "");
  h.call("1001");
  h.call("1002");
  const std::string log = h.log();
  EXPECT_NE(log.find("1001 has 2 contacts"), std::string::npos) << log;
  EXPECT_LT(log.find("sip:1001@10.0.0.2:5060 via udp:203.0.113.1:40000 by softphone ttl_ok=true"),
            log.find("sip:1001@10.0.0.1:5060 via udp:203.0.113.1:40000 by deskphone ttl_ok=true"));
  EXPECT_NE(log.find("1002 has 0 contacts"), std::string::npos) << log;
}

}  // namespace
}  // namespace junction
