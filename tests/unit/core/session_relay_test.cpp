// Session descriptions carried unchanged between legs: the caller's offer to the dialled
// legs, early media and the callee's answer back to the caller, re-offers relayed between
// bridged legs (and refused when nobody can answer them); the reject and redirect verbs,
// causes by name, and a routing strategy's refusal cause.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "flow_harness.hpp"
#include "junction/cause.hpp"

using namespace std::chrono_literals;
using junction::testing::FlowHarness;

namespace junction {
namespace {

// A channel driver that does nothing on its own: it records every command the engine gives
// it, and the test plays the far ends by reporting events through engine.leg_event.
class RecordingDriver final : public ChannelDriver {
 public:
  struct Originated {
    LegId leg;
    OriginateRequest request;
  };
  struct WithSession {
    LegId leg;
    SessionDescription session;
  };
  struct WithCause {
    LegId leg;
    int cause;
  };
  struct Redirected {
    LegId leg;
    std::string destination;
  };
  struct SessionAnswer {
    LegId leg;
    SessionDescription session;
    int cause;
  };

  std::string_view name() const override { return "fake"; }
  void originate(LegId leg, const OriginateRequest& request) override {
    originated.push_back({leg, request});
    calls.push_back("originate " + std::to_string(leg));
  }
  void answer(LegId leg, const SessionDescription& session) override {
    answered.push_back({leg, session});
    calls.push_back("answer " + std::to_string(leg));
  }
  void alert(LegId leg, const SessionDescription& early_media) override {
    alerted.push_back({leg, early_media});
    calls.push_back("alert " + std::to_string(leg));
  }
  void reject(LegId leg, int cause) override {
    rejected.push_back({leg, cause});
    calls.push_back("reject " + std::to_string(leg));
  }
  void redirect(LegId leg, const std::string& destination) override {
    redirected.push_back({leg, destination});
    calls.push_back("redirect " + std::to_string(leg));
  }
  bool update_session(LegId leg, const SessionDescription& offer) override {
    updated.push_back({leg, offer});
    calls.push_back("update_session " + std::to_string(leg));
    return accept_updates;
  }
  void answer_session(LegId leg, const SessionDescription& answer, int cause) override {
    session_answers.push_back({leg, answer, cause});
    calls.push_back("answer_session " + std::to_string(leg));
  }
  void hangup(LegId leg, int cause) override {
    hung_up.push_back({leg, cause});
    calls.push_back("hangup " + std::to_string(leg));
  }
  void bridged(LegId leg, LegId peer) override {
    bridges.push_back({leg, peer});
    calls.push_back("bridged " + std::to_string(leg));
  }

  bool accept_updates = true;  ///< what update_session() returns

  std::vector<Originated> originated;
  std::vector<WithSession> answered;
  std::vector<WithSession> alerted;
  std::vector<WithCause> rejected;
  std::vector<Redirected> redirected;
  std::vector<WithSession> updated;
  std::vector<SessionAnswer> session_answers;
  std::vector<WithCause> hung_up;
  std::vector<std::pair<LegId, LegId>> bridges;
  std::vector<std::string> calls;  ///< every command, in order
};

SessionDescription sdp(const std::string& owner) {
  return {"application/sdp", "v=0\r\no=" + owner +
                                 " 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                                 "t=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=sendrecv\r\n"};
}

void expect_same(const SessionDescription& actual, const SessionDescription& expected, const char* what) {
  EXPECT_EQ(actual.content_type, expected.content_type) << what;
  EXPECT_EQ(actual.body, expected.body) << what;
}

const char* kDialFlow = R"(
function on_call(call)
  local ok, why = dial(call.callee, {timeout = 30})
  log("dial result " .. tostring(ok) .. " " .. tostring(why))
end)";

const char* kRouting = R"(
function route(request)
  if request.number == "2000" then return "fake/xyz" end
  if request.number == "team" then return {"fake/one", "fake/two", mode = "parallel"} end
  return nil
end)";

// A harness with the recording driver registered next to the loopback driver.
class SessionRelay : public ::testing::Test {
 protected:
  void start(const std::string& flow, const std::string& routing = kRouting) {
    h = std::make_unique<FlowHarness>(flow, routing);
    fake = std::make_shared<RecordingDriver>();
    h->registry.add_driver("test", fake);
    ASSERT_EQ(h->load(), "");
  }

  /// A call from the fake driver's caller "200" to `callee`, offering `offer`.
  LegId call(const std::string& callee, SessionDescription offer = sdp("alice")) {
    IncomingCall incoming;
    incoming.caller.number = "200";
    incoming.callee.number = callee;
    incoming.offer = std::move(offer);
    const LegId leg = h->engine().incoming(*fake, std::move(incoming));
    h->loop.run_ready();
    return leg;
  }

  /// The outbound leg the fake driver was last asked to originate.
  LegId last_b_leg() const { return fake->originated.empty() ? 0 : fake->originated.back().leg; }

  /// Calls "2000", lets fake/xyz answer with `answer` and returns {a, b}.
  std::pair<LegId, LegId> bridged_call(const SessionDescription& answer = sdp("bob")) {
    const LegId a = call("2000");
    const LegId b = last_b_leg();
    h->engine().leg_event(b, LegEvent::answered(answer));
    h->engine().leg_event(a, LegEvent::answered());
    h->loop.run_ready();
    return {a, b};
  }

  std::unique_ptr<FlowHarness> h;
  std::shared_ptr<RecordingDriver> fake;
};

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
