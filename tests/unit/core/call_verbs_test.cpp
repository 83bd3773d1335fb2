// The call verbs reject and redirect, causes by name, and a routing strategy's refusal cause.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session_relay_fixture.hpp"

using namespace std::chrono_literals;
using junction::testing::expect_same;
using junction::testing::FlowHarness;
using junction::testing::kDialFlow;
using junction::testing::RecordingDriver;
using junction::testing::sdp;
using junction::testing::SessionRelay;

namespace junction {
namespace {

// 7. reject and redirect.

TEST_F(SessionRelay, RejectByCauseNameRefusesTheCallerWithThatCause) {
  start(R"(
function on_call(call)
  local ok, why = reject("user_busy")
  log("reject " .. tostring(ok) .. " " .. tostring(why))
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->rejected.size(), 1u) << h->log();
  EXPECT_EQ(fake->rejected[0].leg, a);
  EXPECT_EQ(fake->rejected[0].cause, cause::user_busy);
  EXPECT_NE(h->log().find("reject true nil"), std::string::npos) << h->log();
  EXPECT_TRUE(fake->hung_up.empty());
  EXPECT_TRUE(fake->answered.empty());
  EXPECT_EQ(h->engine().active_calls(), 0u);
  EXPECT_NE(h->log().find("cause=17/user_busy"), std::string::npos) << h->log();
}

TEST_F(SessionRelay, RejectByCauseNumberRefusesTheCallerWithThatCause) {
  start(R"(
function on_call(call)
  reject(17)
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->rejected.size(), 1u) << h->log();
  EXPECT_EQ(fake->rejected[0].leg, a);
  EXPECT_EQ(fake->rejected[0].cause, 17);
}

TEST_F(SessionRelay, HangupAcceptsCauseNames) {
  start(R"(
function on_call(call)
  hangup("subscriber_absent")
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->rejected.size(), 1u) << h->log();
  EXPECT_EQ(fake->rejected[0].leg, a);
  EXPECT_EQ(fake->rejected[0].cause, cause::subscriber_absent);
}

TEST_F(SessionRelay, RejectWithAnUnknownCauseNameIsAScriptError) {
  start(R"(
function on_call(call)
  reject("nonsense")
  log("after reject")
end)");
  const LegId a = call("2000");
  const std::string log = h->log();
  EXPECT_NE(log.find("script error: "), std::string::npos) << log;
  EXPECT_NE(log.find("reject: unknown cause 'nonsense'"), std::string::npos) << log;
  EXPECT_EQ(log.find("after reject"), std::string::npos) << "the flow ends at the error";
  ASSERT_EQ(fake->rejected.size(), 1u);
  EXPECT_EQ(fake->rejected[0].leg, a);
  EXPECT_EQ(fake->rejected[0].cause, cause::temporary_failure) << "a script error refuses the caller as usual";
  EXPECT_EQ(h->engine().active_calls(), 0u);
}

TEST_F(SessionRelay, RejectWithAnOutOfRangeCauseIsAScriptError) {
  start(R"(
function on_call(call)
  reject(0)
end)");
  call("2000");
  EXPECT_NE(h->log().find("reject: cause must be between 1 and 999, got 0"), std::string::npos) << h->log();
}

TEST_F(SessionRelay, RedirectPointsTheCallerElsewhere) {
  start(R"(
function on_call(call)
  local ok, why = redirect("sip:bob@example.com")
  log("redirect " .. tostring(ok) .. " " .. tostring(why))
  local ok2, why2 = reject(17)
  log("reject after redirect " .. tostring(ok2) .. " " .. tostring(why2))
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->redirected.size(), 1u) << h->log();
  EXPECT_EQ(fake->redirected[0].leg, a);
  EXPECT_EQ(fake->redirected[0].destination, "sip:bob@example.com");
  EXPECT_NE(h->log().find("redirect true nil"), std::string::npos) << h->log();
  EXPECT_NE(h->log().find("reject after redirect nil hangup"), std::string::npos) << h->log();
  EXPECT_TRUE(fake->rejected.empty()) << "the redirect is the final answer; the flow's end adds no reject";
  EXPECT_TRUE(fake->hung_up.empty());
  EXPECT_EQ(h->engine().active_calls(), 0u);
}

TEST_F(SessionRelay, RedirectRejectsDestinationsThatWouldBreakTheHeader) {
  start(R"(
function on_call(call)
  redirect("sip:bob@example.com>\r\nX-Evil: 1")
end)");
  const LegId a = call("2000");
  EXPECT_NE(h->log().find("redirect: destination must be a non-empty URI"), std::string::npos) << h->log();
  EXPECT_TRUE(fake->redirected.empty());
  ASSERT_EQ(fake->rejected.size(), 1u);
  EXPECT_EQ(fake->rejected[0].leg, a);
}

TEST_F(SessionRelay, RejectAndRedirectAfterAnswerReturnAnswered) {
  start(R"(
function on_call(call)
  answer()
  local ok, why = reject("user_busy")
  log("reject " .. tostring(ok) .. " " .. tostring(why))
  ok, why = redirect("sip:bob@example.com")
  log("redirect " .. tostring(ok) .. " " .. tostring(why))
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->answered.size(), 1u) << h->log();
  h->engine().leg_event(a, LegEvent::answered());
  h->loop.run_ready();
  EXPECT_NE(h->log().find("reject nil answered"), std::string::npos) << h->log();
  EXPECT_NE(h->log().find("redirect nil answered"), std::string::npos) << h->log();
  EXPECT_TRUE(fake->rejected.empty());
  EXPECT_TRUE(fake->redirected.empty());
  ASSERT_EQ(fake->hung_up.size(), 1u) << "the flow's end hangs the answered caller up";
  EXPECT_EQ(fake->hung_up[0].leg, a);
  EXPECT_EQ(fake->hung_up[0].cause, cause::normal_clearing);
}

// 8. A strategy that knows the number but cannot reach it ends the search with its cause.

class FixedStrategy final : public RoutingStrategy {
 public:
  FixedStrategy(std::string name, RouteDecision decision) : name_(std::move(name)), decision_(std::move(decision)) {}
  std::string_view name() const override { return name_; }
  RouteDecision route(const RouteRequest& request) override {
    numbers.push_back(request.number);
    return decision_;
  }
  std::vector<std::string> numbers;

 private:
  std::string name_;
  RouteDecision decision_;
};

TEST_F(SessionRelay, RefusalCauseOfAStrategyFailsTheDialAndEndsTheSearch) {
  start(kDialFlow);
  RouteDecision absent;
  absent.refusal_cause = cause::subscriber_absent;
  auto first = std::make_shared<FixedStrategy>("absent", absent);
  auto later = std::make_shared<FixedStrategy>("later", RouteDecision{{"fake/elsewhere"}});
  h->registry.add_strategy("test", first);
  h->registry.add_strategy("test", later);
  h->engine().set_routing_order({"absent", "later"});
  const LegId a = call("3000");
  EXPECT_EQ(first->numbers, std::vector<std::string>{"3000"});
  EXPECT_TRUE(later->numbers.empty()) << "a refusal ends the search";
  EXPECT_TRUE(fake->originated.empty());
  EXPECT_NE(h->log().find("dial result nil subscriber_absent"), std::string::npos) << h->log();
  ASSERT_EQ(fake->rejected.size(), 1u);
  EXPECT_EQ(fake->rejected[0].leg, a);
}

// A strategy's refusal_cause without a name reaches the flow as normal_unspecified, a reason
// it can pass to reject(), as failures of dialled legs do.
TEST_F(SessionRelay, RefusalWithAnUnnamedCauseGivesTheFlowAUsableReason) {
  start(kDialFlow);
  RouteDecision refusal;
  refusal.refusal_cause = 50;  // Q.850 "requested facility not subscribed": no name in cause.hpp
  h->registry.add_strategy("test", std::make_shared<FixedStrategy>("odd", refusal));
  h->engine().set_routing_order({"odd"});
  call("3000");
  EXPECT_NE(h->log().find("dial result nil "), std::string::npos) << h->log();
  EXPECT_EQ(h->log().find("dial result nil unknown"), std::string::npos) << h->log();
}

TEST_F(SessionRelay, StrategyWithNothingToSayLetsTheNextOneRoute) {
  start(kDialFlow);
  auto first = std::make_shared<FixedStrategy>("silent", RouteDecision{});
  auto later = std::make_shared<FixedStrategy>("later", RouteDecision{{"fake/elsewhere"}});
  h->registry.add_strategy("test", first);
  h->registry.add_strategy("test", later);
  h->engine().set_routing_order({"silent", "later"});
  call("3000");
  EXPECT_EQ(first->numbers, std::vector<std::string>{"3000"});
  EXPECT_EQ(later->numbers, std::vector<std::string>{"3000"});
  ASSERT_EQ(fake->originated.size(), 1u) << h->log();
  EXPECT_EQ(fake->originated[0].request.destination, "elsewhere");
  EXPECT_EQ(fake->originated[0].request.callee.number, "3000");
}

TEST_F(SessionRelay, UnknownNumberStillFailsWithNoRoute) {
  start(kDialFlow);
  call("9999");
  EXPECT_NE(h->log().find("dial result nil no_route"), std::string::npos) << h->log();
}

// 9. Causes by name.

TEST(CauseNames, FromNameRoundTripsEveryNamedCause) {
  int named = 0;
  for (int c = 0; c < 1000; ++c) {
    const std::string_view name = cause::name(c);
    if (name == "unknown") continue;
    ++named;
    EXPECT_EQ(cause::from_name(name), c) << name;
  }
  EXPECT_EQ(named, 25) << "every cause constant in cause.hpp has a name";
  EXPECT_EQ(cause::from_name("user_busy"), 17);
  EXPECT_EQ(cause::from_name("subscriber_absent"), 20);
  EXPECT_EQ(cause::from_name("originator_cancel"), 487);
  EXPECT_EQ(cause::from_name("interworking"), 127);
}

TEST(CauseNames, FromNameReturnsZeroForNamesItDoesNotKnow) {
  for (const char* text : {"", "nonsense", "USER_BUSY", "user_busy ", " user_busy", "17", "user"})
    EXPECT_EQ(cause::from_name(text), 0) << "'" << text << "'";
}

// name() calls every unnamed cause "unknown"; that word must not turn into one of them (2 is
// unassigned in Q.850), or reject("unknown") would clear the call with it instead of failing.
TEST(CauseNames, FromNameDoesNotTurnTheWordUnknownIntoACause) { EXPECT_EQ(cause::from_name("unknown"), 0); }

}  // namespace
}  // namespace junction
