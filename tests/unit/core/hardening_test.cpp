// Regressions from a review of the runtime and the engine: memory pressure, hang-up before
// the flow starts, conversion of cyclic tables, drivers that report events synchronously,
// exceptions that are not std::exception, verb names that clash with the sandbox.
#include <gtest/gtest.h>

#include <map>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;
using junction::testing::make_verb;

namespace junction {
namespace {

TEST(Hardening, MemoryCapReachedByOneCallDoesNotTakeTheDaemonDown) {
  FlowHarness h(R"(
function on_call(call)
  if call.callee == "hog" then
    local head
    pcall(function() while true do head = {head} end end)
    sleep(100000)
  end
  log(call.callee .. " ran")
end)",
                junction::testing::kDefaultRouting, 100'000'000, 4u << 20);
  ASSERT_EQ(h.load(), "");
  const LegId hog = h.call("hog");
  h.call("victim");  // may fail for lack of memory, but as a script error of that call only
  h.loopback->far_end_hangup(hog, cause::normal_clearing);
  h.loop.run_ready();
  h.call("after");
  EXPECT_NE(h.log().find("after ran"), std::string::npos) << h.log();
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Hardening, VerbErrorsAtTheMemoryCapLeakNothing) {
  FlowHarness h(R"(
function on_call(call)
  local head
  pcall(function() while true do head = {head} end end)
  sleep(-1)
end)",
                junction::testing::kDefaultRouting, 100'000'000, 4u << 20);
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_NE(h.log().find("sleep: ms must be between 0 and 86400000, got -1"), std::string::npos) << h.log();
  // LeakSanitizer (scripts/test) checks that nothing the verb held was leaked.
}

TEST(Hardening, CallerGoneBeforeTheFlowStartsEndsTheCall) {
  FlowHarness h(R"(
function on_call(call)
  while true do
    local ok = sleep(1000)
    if not ok then return end
  end
end)");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.loopback->place_call("200", "100");
  h.loopback->far_end_hangup(leg, cause::normal_clearing);  // before the posted flow start
  h.loop.run_ready();
  EXPECT_EQ(h.runtime->running_flows(), 0u);
  EXPECT_EQ(h.engine().active_calls(), 0u);
  EXPECT_NE(h.log().find("cdr caller=200 callee=100 answered=no"), std::string::npos) << h.log();
}

TEST(Hardening, CyclicAndSharedTablesConvertBounded) {
  std::size_t nodes = 0;
  std::function<void(const ScriptValue&)> count = [&](const ScriptValue& v) {
    ++nodes;
    if (const ScriptTable* t = v.table()) {
      for (const auto& item : t->array) count(item);
      for (const auto& [k, item] : t->fields) count(item);
    }
  };
  FlowHarness h(R"(
function on_call(call)
  local t = {}
  for i = 1, 8 do t[i] = t end
  probe.any(t)
  local leaf = {1, 2, 3}
  local wide = {}
  for i = 1, 8 do wide[i] = {leaf, leaf, leaf, leaf, leaf, leaf, leaf, leaf} end
  probe.any({wide, wide, wide, wide, wide, wide, wide, wide})
end)");
  h.registry.add_verb("p", make_verb("probe.any", {{"v", ParamType::any, false, ""}}, [&](VerbCall& c) {
                        count(c.args[0]);
                        c.completion->resolve({});
                      }));
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_LE(nodes, 2 * 100'001u) << "conversion must be bounded";
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Hardening, NonStandardExceptionFromAVerbIsAScriptError) {
  FlowHarness h(R"(
function on_call(call)
  local ok, err = pcall(probe.boom)
  log("after: " .. tostring(err))
end)");
  h.registry.add_verb("p", make_verb("probe.boom", {}, [](VerbCall&) { throw 42; }));
  ASSERT_EQ(h.load(), "");
  h.call();
  // Called straight through pcall, the caller is pcall itself: no script position to name.
  EXPECT_NE(h.log().find("after: probe.boom: failed: an exception that is not a std::exception"), std::string::npos)
      << h.log();
}

TEST(Hardening, VerbNamesCannotTakeOverTheSandboxOrEachOther) {
  FlowHarness h("function on_call(call) end");
  auto noop = [](VerbCall& c) { c.completion->resolve({}); };
  for (const char* name : {"string.pad", "math.clamp", "os.x", "print", "require", "pairs", "_G"})
    EXPECT_THROW(h.registry.add_verb("p", make_verb(name, {}, noop)), std::invalid_argument) << name;
  h.registry.add_verb("p", make_verb("hello", {}, noop));
  EXPECT_THROW(h.registry.add_verb("p", make_verb("hello.greet", {}, noop)), std::invalid_argument);
  h.registry.add_verb("p", make_verb("tools.a", {}, noop));
  EXPECT_THROW(h.registry.add_verb("p", make_verb("tools", {}, noop)), std::invalid_argument);
  EXPECT_EQ(h.load(), "");
}

// A driver that reports the outcome of originate() from inside the call, as the SDK allows.
class SyncDriver final : public ChannelDriver {
 public:
  explicit SyncDriver(CallEngine& engine) : engine_(engine) {}
  std::string_view name() const override { return "sync"; }
  void originate(LegId leg, const OriginateRequest& request) override {
    if (request.destination == "fail") engine_.leg_event(leg, LegEvent::hung_up(cause::user_busy));
    if (request.destination == "answer") engine_.leg_event(leg, LegEvent::answered());
  }
  void answer(LegId, const SessionDescription&) override {}
  void reject(LegId, int) override {}
  void hangup(LegId leg, int c) override { hung_up[leg] = c; }
  std::map<LegId, int> hung_up;

 private:
  CallEngine& engine_;
};

TEST(Hardening, SynchronousFailureDoesNotEndAParallelDial) {
  FlowHarness h(R"(
function on_call(call)
  local ok, why = dial({"sync/fail", "loopback/answer"}, {mode = "parallel"})
  log("dial returned " .. tostring(ok) .. " " .. tostring(why))
end)");
  h.registry.add_driver("t", std::make_shared<SyncDriver>(h.engine()));
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call();
  EXPECT_TRUE(h.leg(caller).answered) << h.log();
  EXPECT_EQ(h.log().find("dial returned"), std::string::npos) << "still bridged with loopback/answer";
}

TEST(Hardening, SynchronousAnswerIsBridgedAndNotClearedByTheRingTimer) {
  FlowHarness h(R"(
function on_call(call)
  local ok, why = dial("sync/answer", {timeout = 5})
  log("dial returned " .. tostring(ok) .. " " .. tostring(why))
end)");
  auto driver = std::make_shared<SyncDriver>(h.engine());
  h.registry.add_driver("t", driver);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call();
  h.loop.advance(10s);
  EXPECT_TRUE(driver->hung_up.empty()) << "the bridged leg was cleared by its ring timer";
  EXPECT_TRUE(h.leg(caller).answered);
  EXPECT_FALSE(h.leg(caller).ended);
}

TEST(Hardening, SynchronousFailureInASequentialDialRingsOneTargetAtATime) {
  FlowHarness h(R"(
function on_call(call)
  dial({"sync/fail", "loopback/ring", "loopback/ring"}, {mode = "sequential", timeout = 10})
end)");
  h.registry.add_driver("t", std::make_shared<SyncDriver>(h.engine()));
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_EQ(h.loopback->live_legs(), 2u) << "the caller and one ringing target";
}

}  // namespace
}  // namespace junction
