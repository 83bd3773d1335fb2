// Session descriptions carried unchanged between legs: the caller's offer to the dialled
// legs, early media and the callee's answer back to the caller, re-offers relayed between
// bridged legs (and refused when nobody can answer them).
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

// 1. The caller's offer reaches the dialled leg unchanged, addressed to the dialled number.

TEST_F(SessionRelay, CallersOfferIsPassedToTheOutboundLegUnchanged) {
  start(kDialFlow);
  const SessionDescription offer = sdp("alice");
  const LegId a = call("2000", offer);
  ASSERT_EQ(fake->originated.size(), 1u) << h->log();
  const RecordingDriver::Originated& b = fake->originated[0];
  EXPECT_NE(b.leg, a);
  expect_same(b.request.offer, offer, "the offer of the outbound leg");
  EXPECT_EQ(b.request.destination, "xyz");
  EXPECT_EQ(b.request.callee.number, "2000") << "the callee is the dialled number, not the routed destination";
  EXPECT_EQ(b.request.caller.number, "200");
  EXPECT_EQ(b.request.timeout, 30s);
}

TEST_F(SessionRelay, CallWithoutOfferOriginatesWithoutOne) {
  start(kDialFlow);
  call("2000", SessionDescription{});
  ASSERT_EQ(fake->originated.size(), 1u) << h->log();
  EXPECT_TRUE(fake->originated[0].request.offer.empty());
  EXPECT_TRUE(fake->originated[0].request.offer.content_type.empty());
}

TEST_F(SessionRelay, ParallelForkOffersTheSameSessionToEveryTarget) {
  start(kDialFlow);
  const SessionDescription offer = sdp("alice");
  call("team", offer);
  ASSERT_EQ(fake->originated.size(), 2u) << h->log();
  for (const auto& b : fake->originated) {
    expect_same(b.request.offer, offer, b.request.destination.c_str());
    EXPECT_EQ(b.request.callee.number, "team");
  }
}

// Explicit "driver/destination" targets are not routed from a number: the far end is told the
// destination ("xyz"), not the target string (which would become To: <sip:fake/xyz@domain>).
TEST_F(SessionRelay, ExplicitTargetIsOfferedToItsDestinationNotToTheTargetString) {
  start(R"(
function on_call(call)
  dial("fake/xyz")
end)");
  call("2000");
  ASSERT_EQ(fake->originated.size(), 1u) << h->log();
  EXPECT_EQ(fake->originated[0].request.destination, "xyz");
  EXPECT_EQ(fake->originated[0].request.callee.number, "xyz");
}

// 2. Ringing and early media of the callee alert the caller.

TEST_F(SessionRelay, RingingAndEarlyMediaAlertTheCaller) {
  start(kDialFlow);
  const LegId a = call("2000");
  const LegId b = last_b_leg();
  ASSERT_NE(b, 0u);
  EXPECT_TRUE(fake->alerted.empty()) << "nobody rings yet";

  h->engine().leg_event(b, LegEvent::ringing());
  ASSERT_EQ(fake->alerted.size(), 1u);
  EXPECT_EQ(fake->alerted[0].leg, a);
  EXPECT_TRUE(fake->alerted[0].session.empty()) << "plain ringing carries no early media";

  const SessionDescription early = sdp("bob-early");
  h->engine().leg_event(b, LegEvent::progress(early));
  ASSERT_EQ(fake->alerted.size(), 2u);
  EXPECT_EQ(fake->alerted[1].leg, a);
  expect_same(fake->alerted[1].session, early, "early media of a progress event");

  const SessionDescription early2 = sdp("bob-ringback");
  h->engine().leg_event(b, LegEvent::ringing(early2));
  ASSERT_EQ(fake->alerted.size(), 3u);
  expect_same(fake->alerted[2].session, early2, "early media of a ringing event");
  EXPECT_TRUE(fake->answered.empty()) << "alerting does not answer the caller";
}

TEST_F(SessionRelay, CallerAnsweredByTheFlowIsNotAlerted) {
  start(R"(
function on_call(call)
  answer()
  dial("2000")
end)");
  const LegId a = call("2000");
  ASSERT_EQ(fake->answered.size(), 1u);
  h->engine().leg_event(a, LegEvent::answered());
  h->loop.run_ready();
  const LegId b = last_b_leg();
  ASSERT_NE(b, 0u) << h->log();
  h->engine().leg_event(b, LegEvent::progress(sdp("bob-early")));
  EXPECT_TRUE(fake->alerted.empty()) << "an answered caller cannot be alerted";
}

// 3. The callee's answer answers the caller.

TEST_F(SessionRelay, CalleesAnswerAnswersTheCallerWithItsSession) {
  start(kDialFlow);
  const LegId a = call("2000");
  const LegId b = last_b_leg();
  const SessionDescription answer = sdp("bob");
  h->engine().leg_event(b, LegEvent::ringing());
  h->engine().leg_event(b, LegEvent::answered(answer));
  ASSERT_EQ(fake->answered.size(), 1u);
  EXPECT_EQ(fake->answered[0].leg, a);
  expect_same(fake->answered[0].session, answer, "the caller's answer");
  EXPECT_NE(std::find(fake->bridges.begin(), fake->bridges.end(), std::make_pair(a, b)), fake->bridges.end());
  EXPECT_NE(std::find(fake->bridges.begin(), fake->bridges.end(), std::make_pair(b, a)), fake->bridges.end());
  // The caller is answered before the drivers hear about the bridge.
  EXPECT_LT(std::find(fake->calls.begin(), fake->calls.end(), "answer " + std::to_string(a)),
            std::find(fake->calls.begin(), fake->calls.end(), "bridged " + std::to_string(a)));

  h->engine().leg_event(a, LegEvent::answered());
  h->engine().leg_event(b, LegEvent::hung_up(cause::normal_clearing));
  h->loop.run_ready();
  EXPECT_NE(h->log().find("dial result true nil"), std::string::npos) << h->log();
  ASSERT_EQ(fake->hung_up.size(), 1u);
  EXPECT_EQ(fake->hung_up[0].leg, a);
  EXPECT_EQ(fake->hung_up[0].cause, cause::normal_clearing);
  EXPECT_EQ(h->engine().active_calls(), 0u);
}

TEST_F(SessionRelay, AnswerWithoutSessionKeepsTheEarlyMediaSession) {
  start(kDialFlow);
  const LegId a = call("2000");
  const LegId b = last_b_leg();
  const SessionDescription early = sdp("bob-early");
  h->engine().leg_event(b, LegEvent::progress(early));
  h->engine().leg_event(b, LegEvent::answered());
  ASSERT_EQ(fake->answered.size(), 1u);
  EXPECT_EQ(fake->answered[0].leg, a);
  expect_same(fake->answered[0].session, early, "the early session stands when the answer brings none");
}

TEST_F(SessionRelay, ParallelForkAnswersTheCallerWithTheWinnersSession) {
  start(kDialFlow);
  const LegId a = call("team");
  ASSERT_EQ(fake->originated.size(), 2u) << h->log();
  const LegId one = fake->originated[0].leg;
  const LegId two = fake->originated[1].leg;
  h->engine().leg_event(one, LegEvent::progress(sdp("one-early")));
  const SessionDescription answer = sdp("two");
  h->engine().leg_event(two, LegEvent::answered(answer));
  ASSERT_EQ(fake->answered.size(), 1u);
  EXPECT_EQ(fake->answered[0].leg, a);
  expect_same(fake->answered[0].session, answer, "the winner's answer, not the loser's early media");
  ASSERT_EQ(fake->hung_up.size(), 1u);
  EXPECT_EQ(fake->hung_up[0].leg, one) << "the losing leg is cleared";
}

// 4. Re-offers between bridged legs.

TEST_F(SessionRelay, ReofferFromTheCallerIsRelayedAndItsAnswerReturned) {
  start(kDialFlow);
  const auto [a, b] = bridged_call();
  ASSERT_EQ(fake->answered.size(), 1u) << h->log();
  fake->calls.clear();

  const SessionDescription hold = sdp("alice-hold");
  h->engine().leg_event(a, LegEvent::session_offer(hold));
  ASSERT_EQ(fake->updated.size(), 1u);
  EXPECT_EQ(fake->updated[0].leg, b);
  expect_same(fake->updated[0].session, hold, "the re-offer sent to the callee");
  EXPECT_TRUE(fake->session_answers.empty()) << "the caller waits for the callee's answer";

  const SessionDescription answer = sdp("bob-held");
  h->engine().leg_event(b, LegEvent::session_answer(answer));
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].leg, a);
  expect_same(fake->session_answers[0].session, answer, "the answer relayed to the caller");
  EXPECT_EQ(fake->session_answers[0].cause, 0);

  // A second re-offer that the callee refuses: the refusal and its cause reach the caller.
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-video")));
  ASSERT_EQ(fake->updated.size(), 2u);
  EXPECT_EQ(fake->updated[1].leg, b);
  h->engine().leg_event(b, LegEvent::session_answer({}, cause::bearer_capability_not_implemented));
  ASSERT_EQ(fake->session_answers.size(), 2u);
  EXPECT_EQ(fake->session_answers[1].leg, a);
  EXPECT_TRUE(fake->session_answers[1].session.empty());
  EXPECT_EQ(fake->session_answers[1].cause, 65);

  EXPECT_EQ(fake->calls,
            (std::vector<std::string>{"update_session " + std::to_string(b), "answer_session " + std::to_string(a),
                                      "update_session " + std::to_string(b), "answer_session " + std::to_string(a)}))
      << "nothing but the relayed offers and answers";
  EXPECT_EQ(h->engine().active_calls(), 1u) << "a refused re-offer does not end the call";
}

TEST_F(SessionRelay, ReofferFromTheCalleeIsRelayedToTheCaller) {
  start(kDialFlow);
  const auto [a, b] = bridged_call();
  const SessionDescription offer = sdp("bob-moved");
  h->engine().leg_event(b, LegEvent::session_offer(offer));
  ASSERT_EQ(fake->updated.size(), 1u);
  EXPECT_EQ(fake->updated[0].leg, a);
  expect_same(fake->updated[0].session, offer, "the callee's re-offer sent to the caller");
  const SessionDescription answer = sdp("alice-again");
  h->engine().leg_event(a, LegEvent::session_answer(answer));
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].leg, b);
  expect_same(fake->session_answers[0].session, answer, "the caller's answer relayed to the callee");
}

// 5. and 6. Offers nobody can answer are refused at once.

TEST_F(SessionRelay, ReofferIsRefusedWhenThePeerDriverCannotSendIt) {
  start(kDialFlow);
  const auto [a, b] = bridged_call();
  fake->accept_updates = false;
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  ASSERT_EQ(fake->updated.size(), 1u) << "the peer's driver is asked first";
  EXPECT_EQ(fake->updated[0].leg, b);
  ASSERT_EQ(fake->session_answers.size(), 1u) << "refused without waiting for the loop";
  EXPECT_EQ(fake->session_answers[0].leg, a);
  EXPECT_TRUE(fake->session_answers[0].session.empty());
  EXPECT_EQ(fake->session_answers[0].cause, cause::interworking);
  h->loop.run_ready();
  EXPECT_EQ(fake->session_answers.size(), 1u) << "refused once";
  EXPECT_EQ(h->engine().active_calls(), 1u);
  EXPECT_TRUE(fake->hung_up.empty());
}

TEST_F(SessionRelay, ReofferOnAnUnbridgedAnsweredCallerIsRefused) {
  start(R"(
function on_call(call)
  answer()
  sleep(60000)
end)");
  const LegId a = call("2000");
  h->engine().leg_event(a, LegEvent::answered());
  h->loop.run_ready();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  EXPECT_TRUE(fake->updated.empty()) << "there is no peer to offer it to";
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].leg, a);
  EXPECT_TRUE(fake->session_answers[0].session.empty());
  EXPECT_EQ(fake->session_answers[0].cause, cause::interworking);
  EXPECT_EQ(h->engine().active_calls(), 1u);
}

TEST_F(SessionRelay, OfferWhileTheCalleeOnlyRingsIsRefusedNotSentToIt) {
  start(kDialFlow);
  const LegId a = call("2000");
  const LegId b = last_b_leg();
  h->engine().leg_event(b, LegEvent::ringing());
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-update")));
  EXPECT_TRUE(fake->updated.empty()) << "a ringing leg is not bridged yet";
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].leg, a);
  EXPECT_EQ(fake->session_answers[0].cause, cause::interworking);
}

TEST_F(SessionRelay, ReofferAfterThePeerHungUpIsRefused) {
  start(R"(
function on_call(call)
  dial("2000")
  sleep(60000)
end)");
  const auto [a, b] = bridged_call();
  h->engine().leg_event(b, LegEvent::hung_up(cause::normal_clearing));
  h->loop.run_ready();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  EXPECT_TRUE(fake->updated.empty());
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].leg, a);
  EXPECT_EQ(fake->session_answers[0].cause, cause::interworking);
}

TEST_F(SessionRelay, OfferPendingWhenThePeerLeavesIsRefusedRatherThanLeftOpen) {
  start(R"(
function on_call(call)
  dial("2000")
  sleep(60000)
end)");
  const auto [a, b] = bridged_call();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-hold")));
  ASSERT_EQ(fake->updated.size(), 1u);
  EXPECT_TRUE(fake->session_answers.empty()) << "waiting for the callee's answer";
  h->engine().leg_event(b, LegEvent::hung_up(cause::normal_clearing));
  ASSERT_EQ(fake->session_answers.size(), 1u) << "the caller's re-INVITE must get a final answer";
  EXPECT_EQ(fake->session_answers[0].leg, a);
  EXPECT_TRUE(fake->session_answers[0].session.empty());
  EXPECT_EQ(fake->session_answers[0].cause, cause::temporary_failure);
}

// A refused re-offer leaves the leg's session as it was: a later dial() offers the session
// the caller still has, not the refused one.
TEST_F(SessionRelay, RefusedReofferIsNotOfferedToLaterLegs) {
  start(R"(
function on_call(call)
  answer()
  sleep(1000)
  dial("2000")
end)");
  const SessionDescription offer = sdp("alice");
  const LegId a = call("2000", offer);
  h->engine().leg_event(a, LegEvent::answered());
  h->loop.run_ready();
  h->engine().leg_event(a, LegEvent::session_offer(sdp("alice-refused")));
  ASSERT_EQ(fake->session_answers.size(), 1u);
  EXPECT_EQ(fake->session_answers[0].cause, cause::interworking);
  h->loop.advance(1000ms);
  ASSERT_EQ(fake->originated.size(), 1u) << h->log();
  expect_same(fake->originated[0].request.offer, offer, "the session the caller still has");
}

}  // namespace
}  // namespace junction
