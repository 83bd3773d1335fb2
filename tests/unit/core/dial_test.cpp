// dial(): routing, sequential and parallel forking, ring timeout, busy, bridging, and the
// caller hanging up while the callee rings.
#include <gtest/gtest.h>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;

namespace junction {
namespace {

const char* kDialFlow = R"(
function on_call(call)
  local ok, why = dial(call.headers.target or call.callee, {timeout = 5})
  log("dial result " .. tostring(ok) .. " " .. tostring(why))
  hangup()
end)";

const char* kRouting = R"(
function route(request)
  if request.number == "1001" then return "loopback/answer" end
  if request.number == "team" then return {"loopback/ring", "loopback/answer:300", mode = "parallel"} end
  if request.number == "hunt" then return {"loopback/busy", "loopback/reject:21", "loopback/hangup:500"} end
  if request.number == "broken" then error("routing table corrupt") end
  return nil
end)";

TEST(Dial, RoutedNumberIsBridgedUntilTheCalleeHangsUp) {
  FlowHarness h(R"(
function on_call(call)
  local ok, why = dial("1001")
  log("dial result " .. tostring(ok) .. " " .. tostring(why))
end)",
                kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("1001");
  EXPECT_TRUE(h.leg(caller).answered) << "the caller is answered when the callee answers";
  const LegId callee = h.leg(caller).bridged_to;
  ASSERT_NE(callee, 0u);
  EXPECT_EQ(h.leg(callee).bridged_to, caller);
  EXPECT_EQ(h.log().find("dial result"), std::string::npos) << "dial waits for the bridged call to end";
  h.loopback->far_end_hangup(callee, cause::normal_clearing);
  h.loop.run_ready();
  EXPECT_NE(h.log().find("dial result true nil"), std::string::npos) << h.log();
  EXPECT_TRUE(h.leg(caller).ended);
}

TEST(Dial, BusyCalleeIsReportedToTheFlow) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("loopback/busy");
  EXPECT_NE(h.log().find("dial result nil user_busy"), std::string::npos) << h.log();
  EXPECT_FALSE(h.leg(caller).answered);
}

TEST(Dial, RingTimeoutGivesNoAnswerAndClearsTheLeg) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  h.call("loopback/ring");
  EXPECT_EQ(h.loopback->live_legs(), 2u);
  h.loop.advance(4999ms);
  EXPECT_EQ(h.log().find("dial result"), std::string::npos);
  h.loop.advance(1ms);
  EXPECT_NE(h.log().find("dial result nil no_answer"), std::string::npos) << h.log();
  EXPECT_EQ(h.loopback->live_legs(), 0u);
}

TEST(Dial, SequentialHuntTriesTargetsInOrderAndReportsTheBestReason) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("hunt");
  EXPECT_TRUE(h.leg(caller).answered) << "the third target answers";
  h.loop.advance(500ms);
  EXPECT_NE(h.log().find("dial result true"), std::string::npos) << h.log();
}

TEST(Dial, ParallelForkBridgesTheFirstAnswerAndCancelsTheRest) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("team");
  EXPECT_EQ(h.loopback->live_legs(), 3u);
  h.loop.advance(300ms);
  EXPECT_TRUE(h.leg(caller).answered);
  EXPECT_EQ(h.loopback->live_legs(), 2u) << "the ringing phone stops ringing";
  const LegId winner = h.leg(caller).bridged_to;
  ASSERT_NE(winner, 0u);
  EXPECT_EQ(h.leg(winner).destination, "answer:300");
}

TEST(Dial, CallerHangupWhileRingingCancelsTheCallee) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("loopback/ring");
  LegId callee = 0;
  for (LegId id = 1; id < 10; ++id)
    if (h.loopback->leg(id) && !h.loopback->leg(id)->inbound) callee = id;
  ASSERT_NE(callee, 0u);
  h.loopback->far_end_hangup(caller, cause::normal_clearing);
  h.loop.run_ready();
  EXPECT_TRUE(h.leg(callee).ended);
  EXPECT_EQ(h.leg(callee).end_cause, cause::originator_cancel);
  EXPECT_NE(h.log().find("dial result nil hangup"), std::string::npos) << h.log();
  EXPECT_EQ(h.loop.pending_timers(), 0u) << "the ring timer is cancelled";
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Dial, CallerHangupWhileBridgedClearsTheCallee) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  const LegId caller = h.call("1001");
  const LegId callee = h.leg(caller).bridged_to;
  ASSERT_NE(callee, 0u);
  h.loopback->far_end_hangup(caller, cause::normal_clearing);
  h.loop.run_ready();
  EXPECT_TRUE(h.leg(callee).ended);
  EXPECT_EQ(h.leg(callee).end_cause, cause::normal_clearing);
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Dial, UnroutableAndBrokenRoutingAreReasonsNotCrashes) {
  FlowHarness h(kDialFlow, kRouting);
  ASSERT_EQ(h.load(), "");
  h.call("9999");
  h.call("broken");
  h.call("nodriver/x");
  const std::string log = h.log();
  EXPECT_NE(log.find("dial result nil no_route"), std::string::npos) << log;
  EXPECT_NE(log.find("routing 'broken' failed: route: routing/default.lua:6: routing table corrupt"), std::string::npos)
      << log;
  EXPECT_NE(log.find("dial result nil routing_error"), std::string::npos) << log;
  EXPECT_NE(log.find("no channel driver 'nodriver'"), std::string::npos) << log;
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Dial, RunawayRoutingRuleIsStoppedByTheBudget) {
  FlowHarness h(kDialFlow, "function route(request)\n  while true do end\nend");
  ASSERT_EQ(h.load(), "");
  h.call("1234");
  EXPECT_NE(h.log().find("route: routing/default.lua:2: instruction budget"), std::string::npos) << h.log();
  EXPECT_NE(h.log().find("dial result nil routing_error"), std::string::npos) << h.log();
  h.call("1235");  // the routing thread is usable again
  EXPECT_EQ(h.engine().active_calls(), 0u);
}

TEST(Dial, RoutingRulesCannotSetGlobals) {
  FlowHarness h(kDialFlow, "function route(request) last_number = request.number return nil end");
  ASSERT_EQ(h.load(), "");
  h.call("1234");
  EXPECT_NE(h.log().find("cannot set global 'last_number' outside a call flow (use a local)"), std::string::npos)
      << h.log();
}

}  // namespace
}  // namespace junction
