// Call flows as coroutines: verbs that suspend and resume, hang-up during a pending verb,
// the final handler, error isolation, the instruction budget and many calls at once.
#include <gtest/gtest.h>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;

namespace junction {
namespace {

TEST(FlowLifecycle, AnswerSleepHangupFollowTheClock) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  sleep(1000)
  hangup(16)
end)");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_TRUE(h.leg(leg).answered);
  EXPECT_FALSE(h.leg(leg).ended);
  h.loop.advance(999ms);
  EXPECT_FALSE(h.leg(leg).ended);
  h.loop.advance(1ms);
  EXPECT_TRUE(h.leg(leg).ended);
  EXPECT_EQ(h.leg(leg).end_cause, cause::normal_clearing);
  EXPECT_EQ(h.engine().active_calls(), 0u);
  EXPECT_EQ(h.runtime->running_flows(), 0u);
  EXPECT_NE(h.log().find("cdr caller=200 callee=100 answered=yes duration_ms=1000"), std::string::npos) << h.log();
}

TEST(FlowLifecycle, CallTableCarriesTheParties) {
  FlowHarness h(R"(
function on_call(call)
  log("from=" .. call.caller .. " to=" .. call.callee .. " via=" .. call.driver .. " id=" .. call.id)
end)");
  ASSERT_EQ(h.load(), "");
  h.call("777", "555");
  EXPECT_NE(h.log().find("from=555 to=777 via=loopback id=c-1"), std::string::npos) << h.log();
}

TEST(FlowLifecycle, FlowThatReturnsWithoutAnsweringRejectsTheCaller) {
  FlowHarness h("function on_call(call) end");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_TRUE(h.leg(leg).rejected);
  EXPECT_EQ(h.leg(leg).end_cause, cause::call_rejected);
}

TEST(FlowLifecycle, HangupDuringPendingVerbResumesWithErrorValue) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  local ok, err = sleep(60000)
  log("sleep returned " .. tostring(ok) .. " " .. tostring(err))
  local again, why = answer()
  log("answer after hangup " .. tostring(again) .. " " .. tostring(why))
end
function on_finish(call, reason)
  log("finished because " .. reason)
end)");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_EQ(h.loop.pending_timers(), 1u);
  h.loopback->far_end_hangup(leg, cause::normal_clearing);
  h.loop.run_ready();
  EXPECT_EQ(h.loop.pending_timers(), 0u) << "the sleep's timer must be cancelled";
  const std::string log = h.log();
  EXPECT_NE(log.find("sleep returned nil hangup"), std::string::npos) << log;
  EXPECT_NE(log.find("answer after hangup nil hangup"), std::string::npos) << log;
  EXPECT_NE(log.find("finished because hangup"), std::string::npos) << log;
  EXPECT_EQ(h.engine().active_calls(), 0u);
  EXPECT_EQ(h.runtime->running_flows(), 0u);
}

TEST(FlowLifecycle, FinalHandlerRunsAfterCompletionAndAfterError) {
  FlowHarness h(R"(
function on_call(call)
  if call.callee == "boom" then error("exploded") end
end
function on_finish(call, reason)
  log("final " .. call.callee .. " " .. reason)
end)");
  ASSERT_EQ(h.load(), "");
  h.call("fine");
  h.call("boom");
  const std::string log = h.log();
  EXPECT_NE(log.find("final fine completed"), std::string::npos) << log;
  EXPECT_NE(log.find("final boom error"), std::string::npos) << log;
}

TEST(FlowLifecycle, FinalHandlerMayUseAsyncVerbs) {
  FlowHarness h(R"(
function on_call(call) answer() end
function on_finish(call, reason)
  sleep(500)
  log("tidied up")
end)");
  ASSERT_EQ(h.load(), "");
  h.call();
  EXPECT_EQ(h.log().find("tidied up"), std::string::npos);
  EXPECT_EQ(h.engine().active_calls(), 1u) << "the call lasts until the final handler ends";
  h.loop.advance(500ms);
  EXPECT_NE(h.log().find("tidied up"), std::string::npos);
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(FlowLifecycle, ScriptErrorEndsOnlyThatCallWithScriptAndLine) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  if call.callee == "bad" then
    local t = nil
    return t.field
  end
  sleep(1000)
  hangup()
end)");
  ASSERT_EQ(h.load(), "");
  const LegId good = h.call("good");
  const LegId bad = h.call("bad");
  EXPECT_TRUE(h.leg(bad).ended);
  EXPECT_EQ(h.leg(bad).end_cause, cause::temporary_failure);
  EXPECT_FALSE(h.leg(good).ended);
  EXPECT_NE(h.log().find("script error: flows/default.lua:6: attempt to index a nil value"), std::string::npos)
      << h.log();
  h.loop.advance(1000ms);
  EXPECT_TRUE(h.leg(good).ended);
  EXPECT_EQ(h.leg(good).end_cause, cause::normal_clearing);
}

TEST(FlowLifecycle, BadVerbArgumentNamesScriptLineVerbAndParameter) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  sleep("soon")
end)");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_TRUE(h.leg(leg).ended);
  EXPECT_NE(h.log().find("flows/default.lua:4: sleep: argument 1 (ms) must be an integer, got string"),
            std::string::npos)
      << h.log();
}

TEST(FlowLifecycle, VerbArgumentRulesBeyondTypes) {
  struct Case {
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {"sleep(-5)", "sleep: ms must be between 0 and 86400000, got -5"},
      {"sleep(1, 2)", "sleep: takes at most 1 argument, got 2"},
      {"sleep()", "sleep: argument 1 (ms) is missing; expected an integer"},
      {"hangup(0)", "hangup: cause must be between 1 and 999, got 0"},
      {"dial({})", "dial: target list is empty"},
      {"dial('x', {timeout = 0})", "dial: options.timeout must be an integer number of seconds"},
      {"dial('x', {colour = 'red'})", "dial: unknown option 'colour'"},
      {"log('x', 'loud')", "log: level must be trace, debug, info, warn or error, got 'loud'"},
      {"play('hello.wav')", "play: needs a plugin that provides it, and none is loaded"},
  };
  for (const Case& c : cases) {
    FlowHarness h(std::string("function on_call(call)\n  ") + c.code + "\nend");
    ASSERT_EQ(h.load(), "");
    h.call();
    EXPECT_NE(h.log().find(std::string("flows/default.lua:2: ") + c.message), std::string::npos) << c.code << "\n"
                                                                                                 << h.log();
  }
}

TEST(FlowLifecycle, InstructionBudgetStopsRunawayScript) {
  FlowHarness h(R"(
function on_call(call)
  if call.callee == "spin" then while true do end end
  if call.callee == "sneaky" then
    while true do pcall(function() while true do end end) end
  end
  answer()
  sleep(10)
  hangup()
end
function on_finish(call, reason) log("final " .. call.callee .. " " .. reason) end)",
                junction::testing::kDefaultRouting, 100'000);
  ASSERT_EQ(h.load(), "");
  const LegId spin = h.call("spin");
  const LegId sneaky = h.call("sneaky");
  const LegId normal = h.call("normal");
  EXPECT_TRUE(h.leg(spin).ended);
  EXPECT_TRUE(h.leg(sneaky).ended);
  EXPECT_FALSE(h.leg(normal).ended);
  h.loop.advance(10ms);
  EXPECT_TRUE(h.leg(normal).ended);
  const std::string log = h.log();
  EXPECT_NE(log.find("script stopped: flows/default.lua:3: instruction budget of 100000 exceeded"), std::string::npos)
      << log;
  EXPECT_NE(log.find("final spin budget"), std::string::npos) << log;
  EXPECT_NE(log.find("final sneaky budget"), std::string::npos) << log;
  EXPECT_NE(log.find("final normal completed"), std::string::npos) << log;
}

TEST(FlowLifecycle, BudgetIsPerResumeSoLongFlowsThatYieldAreFine) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  for round = 1, 50 do
    for i = 1, 5000 do local x = i * 2 end
    sleep(1)
  end
  log("all rounds done")
end)",
                junction::testing::kDefaultRouting, 100'000);
  ASSERT_EQ(h.load(), "");
  h.call();
  for (int i = 0; i < 50; ++i) h.loop.advance(1ms);
  EXPECT_NE(h.log().find("all rounds done"), std::string::npos) << h.log();
}

TEST(FlowLifecycle, TenThousandConcurrentFlowsSleepAndResume) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  sleep(5000)
  hangup()
end)");
  ASSERT_EQ(h.load(), "");
  constexpr int kCalls = 10'000;
  std::vector<LegId> legs;
  legs.reserve(kCalls);
  for (int i = 0; i < kCalls; ++i) legs.push_back(h.loopback->place_call("200", std::to_string(i)));
  h.loop.run_ready();
  EXPECT_EQ(h.runtime->running_flows(), static_cast<std::size_t>(kCalls));
  EXPECT_EQ(h.loop.pending_timers(), static_cast<std::size_t>(kCalls));
  h.loop.advance(4999ms);
  EXPECT_EQ(h.runtime->running_flows(), static_cast<std::size_t>(kCalls));
  h.loop.advance(1ms);
  EXPECT_EQ(h.runtime->running_flows(), 0u);
  EXPECT_EQ(h.engine().active_calls(), 0u);
  for (LegId leg : legs) ASSERT_TRUE(h.leg(leg).ended && h.leg(leg).end_cause == cause::normal_clearing);
}

TEST(FlowLifecycle, WaitingVerbInsideACallbackIsAClearErrorAndLeavesNothingRunning) {
  FlowHarness h(R"(
function on_call(call)
  answer()
  local t = {3, 1, 2}
  table.sort(t, function(a, b) log("sync verbs work here") sleep(10) return a < b end)
end)");
  ASSERT_EQ(h.load(), "");
  const LegId leg = h.call();
  EXPECT_TRUE(h.leg(leg).ended);
  EXPECT_NE(h.log().find("sync verbs work here"), std::string::npos);
  EXPECT_NE(h.log().find("flows/default.lua:5: sleep: cannot wait here"), std::string::npos) << h.log();
  EXPECT_EQ(h.loop.pending_timers(), 0u) << "the sleep that could not wait must not stay scheduled";
}

TEST(FlowLifecycle, GlobalsOfOneCallAreInvisibleToAnother) {
  FlowHarness h(R"(
shared_at_load = "loaded"
function on_call(call)
  log(call.callee .. " sees secret=" .. tostring(secret) .. " shared=" .. shared_at_load)
  secret = call.callee
  answer()
  sleep(10)
end)");
  ASSERT_EQ(h.load(), "");
  h.call("first");
  h.call("second");
  const std::string log = h.log();
  EXPECT_NE(log.find("first sees secret=nil shared=loaded"), std::string::npos) << log;
  EXPECT_NE(log.find("second sees secret=nil shared=loaded"), std::string::npos) << log;
}

}  // namespace
}  // namespace junction
