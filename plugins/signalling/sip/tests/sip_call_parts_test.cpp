// The call parts of the SIP plugin that need no sofia but the core's services: the
// registered_users routing strategy and the channel driver's decisions, trunks included. The
// driver's commands for the sofia thread are counted, never run (they need a live nta agent).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "phone_credentials.hpp"
#include "registered_users_routing.hpp"
#include "sip_channel_driver.hpp"

#include "core/daemon/user_directory.hpp"
#include "core/exec/inline_worker_pool.hpp"
#include "core/exec/manual_executor.hpp"
#include "core/location/location_registry.hpp"
#include "core/location/memory_location_store.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "junction/cause.hpp"

namespace junction::sip {
namespace {

using namespace std::chrono_literals;

// ---- registered_users routing ---------------------------------------------------------------

// The core's directory and location service, as the plugin gets them from the host.
class CorePartsTest : public ::testing::Test {
 protected:
  CorePartsTest() { location_.start(std::make_unique<MemoryLocationStore>()); }

  void bind(const std::string& extension, const std::string& contact, const std::string& received,
            std::chrono::seconds expires_in = 600s) {
    ContactBinding binding;
    binding.extension = extension;
    binding.contact = contact;
    binding.received = received;
    binding.user_agent = "test-phone";
    binding.call_id = "call-" + contact;
    binding.cseq = 1;
    binding.expires = now_ + expires_in;
    location_.bind(std::move(binding));
  }

  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
  UserDirectory directory_{{{"1001", "Alice", "alice@example.com", "s3cret", "1234", {}, ""},
                            {"1002", "Bob", "bob@example.com", "", "", {}, ""},
                            {"1003", "Carol", "", "strong", "", {"sha256"}, ""}}};
  ManualExecutor loop_;
  InlineWorkerPool workers_;
  LogSink sink_{stderr, LogLevel::warn};
  ComponentLogger location_logger_{sink_, "location"};
  MetricsRegistry metrics_;
  LocationRegistry location_{loop_, workers_, location_logger_, metrics_, [this] { return now_; }};
};

class RegisteredUsersRoutingTest : public CorePartsTest {
 protected:
  RouteDecision route(const std::string& number) {
    RouteRequest request;
    request.number = number;
    request.caller = {"1001", "Alice"};
    request.call_id = "c-1";
    return routing_.route(request);
  }

  RegisteredUsersRouting routing_{directory_, location_};
};

TEST_F(RegisteredUsersRoutingTest, NumbersThatAreNoExtensionAreLeftToOtherStrategies) {
  bind("1001", "sip:1001@10.0.0.1:5060", "udp:10.0.0.1:5060");
  for (const char* number : {"9999", "", "+4930123456", "100"}) {
    const RouteDecision decision = route(number);
    EXPECT_TRUE(decision.targets.empty()) << number;
    EXPECT_EQ(decision.refusal_cause, 0) << number;
  }
  EXPECT_EQ(routing_.name(), "registered_users");
}

TEST_F(RegisteredUsersRoutingTest, AUserWithoutAPhoneIsAbsent) {
  const RouteDecision decision = route("1002");
  EXPECT_TRUE(decision.targets.empty());
  EXPECT_EQ(decision.refusal_cause, cause::subscriber_absent);
  EXPECT_EQ(decision.refusal_cause, 20);
}

TEST_F(RegisteredUsersRoutingTest, AUserWhoseRegistrationsExpiredIsAbsent) {
  bind("1003", "sip:1003@10.0.0.3:5060", "udp:10.0.0.3:5060", 60s);
  ASSERT_EQ(route("1003").targets.size(), 1u);
  now_ += 61s;
  const RouteDecision decision = route("1003");
  EXPECT_TRUE(decision.targets.empty());
  EXPECT_EQ(decision.refusal_cause, cause::subscriber_absent);
}

TEST_F(RegisteredUsersRoutingTest, EveryPhoneOfTheUserRingsAtOnce) {
  bind("1001", "sip:1001@10.0.0.1:5060", "udp:198.51.100.7:40612");
  bind("1001", "sip:1001@192.168.1.20:5062;transport=tcp", "tcp:198.51.100.9:50000");
  bind("1003", "sip:1003@10.0.0.3:5060", "udp:10.0.0.3:5060");
  RouteDecision decision = route("1001");
  EXPECT_EQ(decision.mode, RouteDecision::Mode::parallel);
  EXPECT_EQ(decision.refusal_cause, 0);
  std::sort(decision.targets.begin(), decision.targets.end());
  const std::vector<std::string> expected = {"sip/sip:1001@10.0.0.1:5060",
                                             "sip/sip:1001@192.168.1.20:5062;transport=tcp"};
  EXPECT_EQ(decision.targets, expected);
}

// ---- the channel driver -----------------------------------------------------------------------

class FakeEngine final : public CallEngine {
 public:
  LegId incoming(ChannelDriver& driver, IncomingCall call) override {
    drivers.push_back(&driver);
    calls.push_back(std::move(call));
    return next_leg++;
  }
  void leg_event(LegId leg, LegEvent event) override { events.emplace_back(leg, std::move(event)); }
  std::size_t active_calls() const override { return calls.size(); }
  SessionDescription remote_session(LegId) const override { return {}; }
  bool answer_leg(LegId, const SessionDescription&) override { return false; }
  void when_call_ends(const std::string&, std::function<void()>) override {}
  LegId peer_of(LegId) const override { return 0; }
  bool offer_session(LegId, const SessionDescription&, std::function<void(const SessionDescription&, int)>) override {
    return false;
  }
  void answer_offer(LegId, const SessionDescription&, int) override {}

  LegId next_leg = 1;
  std::vector<ChannelDriver*> drivers;
  std::vector<IncomingCall> calls;
  std::vector<std::pair<LegId, LegEvent>> events;
};

class RecordingLogger final : public Logger {
 public:
  bool enabled(LogLevel) const override { return true; }
  void write(LogLevel level, std::string_view, std::string_view message) override {
    if (level >= LogLevel::warn) warnings.emplace_back(message);
  }
  std::vector<std::string> warnings;
};

class SipChannelDriverTest : public CorePartsTest {
 protected:
  InviteRequest invite(std::optional<DigestCredentials> credentials = std::nullopt) {
    InviteRequest r;
    r.call_id = "invite-1";
    r.from_user = "1001";
    r.from_display = "Alice's Phone";
    r.request_user = "1002";
    r.source_address = "198.51.100.7";
    r.received = "udp:198.51.100.7:40612";
    r.headers = {{"User-Agent", "test-phone"}};
    r.offer = {"application/sdp", "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n"};
    r.credentials = std::move(credentials);
    return r;
  }

  // What a phone sends for an MD5 challenge to an INVITE.
  DigestCredentials md5_credentials(const std::string& password = "s3cret") {
    const std::string challenge = authenticator_.challenges({DigestAlgorithm::md5}, false, now_)[0];
    return testing::answer_challenge(challenge, DigestAlgorithm::md5, "1001", password, "INVITE");
  }

  std::shared_ptr<SipDialog> accepted_call() {
    auto dialog = std::make_shared<SipDialog>();
    driver_.on_incoming(dialog, invite(md5_credentials()));
    return dialog;
  }

  std::uint64_t invites(const std::string& outcome) {
    return metrics_.counter("junction_sip_invite_total", "", {{"outcome", outcome}}).value();
  }

  OriginateRequest originate_request(const std::string& destination) {
    OriginateRequest request;
    request.destination = destination;
    request.caller = {"1001", "Alice"};
    request.callee = {"1002", ""};
    request.offer = {"application/sdp", "v=0\r\n"};
    return request;
  }

  DigestAuthenticator authenticator_{"junction", "secret", 300s};
  AuthThrottle throttle_{{3, 60s, 600s, 1000}};
  RequestAuthenticator request_auth_{
      directory_, authenticator_, throttle_, {DigestAlgorithm::sha256, DigestAlgorithm::md5}};
  FakeEngine engine_;
  RecordingLogger logger_;
  std::vector<std::function<void(CallSignalling&)>> commands_;
  TrunkBoard trunks_{trunk_settings(), logger_, metrics_};
  SipChannelDriver driver_{
      engine_,
      location_,
      request_auth_,
      trunks_,
      logger_,
      metrics_,
      [this](std::function<void(CallSignalling&)> command) { commands_.push_back(std::move(command)); },
      nullptr};

  // Two trunks to one provider on this host, and a backup; for the trunk tests.
  static std::vector<TrunkSettings> trunk_settings() {
    TrunkSettings a;
    a.name = "a";
    a.proxy_host = "127.0.0.1";
    a.proxy_port = 5070;
    a.domain = "provider.example";
    a.match_source_port = true;
    a.dids = {{"4930123", "1001"}, {"*", "1002"}};
    TrunkSettings b = a;
    b.name = "b";
    b.proxy_port = 5080;
    b.dids = {};
    return {a, b};
  }
};

TEST_F(SipChannelDriverTest, AnInviteWithoutCredentialsIsChallenged) {
  driver_.on_incoming(std::make_shared<SipDialog>(), invite());
  EXPECT_EQ(commands_.size(), 1u) << "the 407 goes to the sofia thread";
  EXPECT_TRUE(engine_.calls.empty());
  EXPECT_EQ(driver_.legs(), 0u);
  EXPECT_EQ(invites("challenged"), 1u);
  EXPECT_EQ(invites("accepted"), 0u);
  EXPECT_EQ(invites("refused"), 0u);
  EXPECT_NE(metrics_.render_prometheus().find("junction_sip_invite_total{outcome=\"challenged\"} 1\n"),
            std::string::npos);
  EXPECT_TRUE(logger_.warnings.empty()) << "a challenge is routine";
}

TEST_F(SipChannelDriverTest, AnInviteWithAWrongPasswordIsRefusedAndLogged) {
  driver_.on_incoming(std::make_shared<SipDialog>(), invite(md5_credentials("guess")));
  EXPECT_EQ(commands_.size(), 1u);
  EXPECT_TRUE(engine_.calls.empty());
  EXPECT_EQ(driver_.legs(), 0u);
  EXPECT_EQ(invites("refused"), 1u);
  EXPECT_EQ(invites("challenged"), 0u);
  ASSERT_EQ(logger_.warnings.size(), 1u);
  EXPECT_NE(logger_.warnings[0].find("1001"), std::string::npos) << logger_.warnings[0];
  EXPECT_NE(logger_.warnings[0].find("403"), std::string::npos) << logger_.warnings[0];
}

TEST_F(SipChannelDriverTest, AnAuthenticatedInviteBecomesACall) {
  auto dialog = accepted_call();
  ASSERT_EQ(engine_.calls.size(), 1u);
  EXPECT_EQ(engine_.drivers[0], &driver_);
  const IncomingCall& call = engine_.calls[0];
  EXPECT_EQ(call.caller.number, "1001");
  EXPECT_EQ(call.caller.display_name, "Alice") << "the directory's name wins over the phone's";
  EXPECT_EQ(call.callee.number, "1002");
  EXPECT_EQ(call.offer.content_type, "application/sdp");
  EXPECT_EQ(call.offer.body, "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n");
  const Headers expected = {{"User-Agent", "test-phone"}, {"X-Received", "udp:198.51.100.7:40612"}};
  EXPECT_EQ(call.headers, expected);
  EXPECT_EQ(dialog->leg, 1u);
  EXPECT_EQ(driver_.legs(), 1u);
  EXPECT_TRUE(commands_.empty()) << "the engine answers, not the driver";
  EXPECT_EQ(invites("accepted"), 1u);
  EXPECT_EQ(invites("challenged"), 0u);

  auto second = accepted_call();
  EXPECT_EQ(second->leg, 2u);
  EXPECT_EQ(driver_.legs(), 2u);
}

TEST_F(SipChannelDriverTest, AHangUpIsForwardedAndTheLegForgotten) {
  auto dialog = accepted_call();
  const LegId leg = dialog->leg;
  driver_.on_event(dialog, LegEvent::hung_up(cause::normal_clearing, "BYE"));
  ASSERT_EQ(engine_.events.size(), 1u);
  EXPECT_EQ(engine_.events[0].first, leg);
  EXPECT_EQ(engine_.events[0].second.type, LegEventType::hung_up);
  EXPECT_EQ(engine_.events[0].second.cause, cause::normal_clearing);
  EXPECT_EQ(driver_.legs(), 0u);
  EXPECT_EQ(dialog->leg, 0u);

  driver_.on_event(dialog, LegEvent::ringing());
  EXPECT_EQ(engine_.events.size(), 1u) << "the engine does not hear of the leg again";
  driver_.hangup(leg, cause::normal_clearing);
  driver_.answer(leg, {});
  EXPECT_TRUE(commands_.empty()) << "commands for a forgotten leg are dropped";
}

TEST_F(SipChannelDriverTest, EventsOfDialogsWithoutAKnownLegAreIgnored) {
  auto unknown = std::make_shared<SipDialog>();
  driver_.on_event(unknown, LegEvent::answered());
  unknown->leg = 42;
  driver_.on_event(unknown, LegEvent::hung_up(cause::normal_clearing));
  EXPECT_TRUE(engine_.events.empty());
  EXPECT_FALSE(unknown->established);
}

TEST_F(SipChannelDriverTest, CommandsForKnownLegsGoToTheSofiaThread) {
  auto dialog = accepted_call();
  const LegId leg = dialog->leg;
  driver_.alert(leg, {});
  driver_.answer(leg, {"application/sdp", "v=0\r\n"});
  EXPECT_EQ(commands_.size(), 2u);
  EXPECT_EQ(driver_.legs(), 1u);
  driver_.reject(leg, cause::user_busy);
  EXPECT_EQ(commands_.size(), 3u);
  EXPECT_EQ(driver_.legs(), 0u) << "a rejected leg is forgotten at once";
  EXPECT_EQ(dialog->leg, 0u);
  driver_.hangup(leg, cause::normal_clearing);
  EXPECT_EQ(commands_.size(), 3u);
}

TEST_F(SipChannelDriverTest, OriginateQueuesAnInviteForTheLeg) {
  bind("1002", "sip:1002@10.0.0.5:5062", "udp:203.0.113.7:40612");
  const LegId leg = 7;
  driver_.originate(leg, originate_request("sip:1002@10.0.0.5:5062"));
  EXPECT_EQ(commands_.size(), 1u);
  EXPECT_EQ(driver_.legs(), 1u);
  EXPECT_TRUE(engine_.events.empty()) << "progress is reported by the sofia side, later";
  EXPECT_FALSE(driver_.update_session(leg, {"application/sdp", "v=0\r\n"})) << "not answered yet";
  EXPECT_EQ(commands_.size(), 1u);

  driver_.originate(8, originate_request("1002@10.0.0.5:5062"));
  EXPECT_EQ(commands_.size(), 2u) << "a destination without a scheme is a SIP URI too";
  EXPECT_EQ(driver_.legs(), 2u);
  EXPECT_TRUE(engine_.events.empty());

  driver_.hangup(leg, cause::normal_clearing);
  EXPECT_EQ(commands_.size(), 3u) << "the CANCEL or BYE goes to the sofia thread";
  EXPECT_EQ(driver_.legs(), 1u);
}

// Shown on an inbound leg, whose dialog the test holds; an outbound leg's dialog travels only
// inside the queued command, so its answered event cannot be delivered without sofia.
TEST_F(SipChannelDriverTest, AnAnsweredLegTakesOneNewOfferAtATime) {
  auto dialog = accepted_call();
  const LegId leg = dialog->leg;
  const SessionDescription offer{"application/sdp", "v=0\r\n"};
  EXPECT_FALSE(driver_.update_session(leg, offer)) << "not answered yet";
  driver_.on_event(dialog, LegEvent::answered());
  EXPECT_TRUE(dialog->established);
  EXPECT_TRUE(driver_.update_session(leg, offer));
  EXPECT_EQ(commands_.size(), 1u);
  EXPECT_FALSE(driver_.update_session(leg, offer)) << "an offer is pending";
  EXPECT_EQ(commands_.size(), 1u);
  driver_.on_event(dialog, LegEvent::session_answer({"application/sdp", "v=0\r\n"}));
  EXPECT_TRUE(driver_.update_session(leg, offer)) << "the answer ended the pending offer";
  EXPECT_EQ(commands_.size(), 2u);
  EXPECT_FALSE(driver_.update_session(leg + 1, offer)) << "unknown leg";
  ASSERT_EQ(engine_.events.size(), 2u);
  EXPECT_EQ(engine_.events[1].second.type, LegEventType::session_answer);
}

TEST_F(SipChannelDriverTest, OriginateToAnUnusableDestinationHangsUpAtOnce) {
  for (const char* destination :
       {"sip:1002@10.0.0.5 :5062", "1002 @example.com", "sip:<1002@10.0.0.5>", "sip:1002@10.0.0.5\r\nX-Evil: 1"}) {
    engine_.events.clear();
    driver_.originate(9, originate_request(destination));
    ASSERT_EQ(engine_.events.size(), 1u) << destination;
    EXPECT_EQ(engine_.events[0].first, 9u);
    EXPECT_EQ(engine_.events[0].second.type, LegEventType::hung_up);
    EXPECT_EQ(engine_.events[0].second.cause, cause::invalid_number_format);
    EXPECT_EQ(engine_.events[0].second.cause, 28);
  }
  EXPECT_TRUE(commands_.empty());
  EXPECT_EQ(driver_.legs(), 0u);
}

// ---- trunks -----------------------------------------------------------------------------------

LegEvent sip_failure(int c, int status) {
  LegEvent event = LegEvent::hung_up(c, "SIP " + std::to_string(status));
  event.protocol_status = status;
  return event;
}

TEST(TrunkFailoverTest, OnlyServerErrorsAndSilenceMoveOnToTheNextTrunk) {
  for (int status : {500, 502, 503, 504, 408, 580})
    EXPECT_TRUE(SipChannelDriver::worth_another_trunk(sip_failure(cause::temporary_failure, status))) << status;
  for (int status : {400, 403, 404, 405, 481, 486, 488, 491, 501, 600, 603})
    EXPECT_FALSE(SipChannelDriver::worth_another_trunk(sip_failure(cause::temporary_failure, status))) << status;
  EXPECT_TRUE(SipChannelDriver::worth_another_trunk(LegEvent::hung_up(cause::recovery_on_timer_expiry, "timeout")));
  EXPECT_TRUE(SipChannelDriver::worth_another_trunk(LegEvent::hung_up(cause::temporary_failure, "transport")));
  EXPECT_FALSE(SipChannelDriver::worth_another_trunk(LegEvent::hung_up(cause::user_busy, "?")));
}

TEST_F(SipChannelDriverTest, TrunkSelectionKeepsGroupOrderAndLeavesOutUnusableTrunks) {
  std::string error;
  auto names = [&](std::string_view selection) {
    std::vector<std::string> out;
    for (const TrunkSettings* t : trunks_.choose(selection, error)) out.push_back(t->name);
    return out;
  };
  EXPECT_EQ(names("b,a"), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(error.empty());
  TrunkStatus down{"a", "unreachable", true, false};
  trunks_.update(down, "test");
  EXPECT_EQ(names("a,b"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(metrics_.gauge("junction_sip_trunk_usable", "", {{"trunk", "a"}}).value(), 0);
  EXPECT_TRUE(names("nope,a").empty());
  EXPECT_EQ(error, "no trunk named 'nope'");
}

TEST_F(SipChannelDriverTest, TrunksInAGroupShareCallsByWeight) {
  // b never comes first with weight 0 (a backup inside the group); a always does.
  std::vector<TrunkSettings> settings = trunk_settings();
  settings[1].weight = 0;
  TrunkBoard board{settings, logger_, metrics_};
  std::string error;
  for (int i = 0; i < 50; ++i) {
    const auto order = board.choose("a|b", error);
    ASSERT_EQ(order.size(), 2u);
    EXPECT_EQ(order[0]->name, "a");
  }
  // Equal weights: both come first sometimes.
  settings[1].weight = 1;
  TrunkBoard even{settings, logger_, metrics_};
  int a_first = 0;
  for (int i = 0; i < 200; ++i) a_first += even.choose("a|b", error)[0]->name == "a";
  EXPECT_GT(a_first, 40);
  EXPECT_LT(a_first, 160);
}

TEST_F(SipChannelDriverTest, InboundCallsAreMatchedToTheirTrunkByAddressAndPort) {
  EXPECT_EQ(trunks_.match_source("127.0.0.1", 5070)->name, "a");
  EXPECT_EQ(trunks_.match_source("127.0.0.1", 5080)->name, "b");
  EXPECT_EQ(trunks_.match_source("127.0.0.1", 40000), nullptr) << "a phone on the same host is no trunk";
  EXPECT_EQ(trunks_.match_source("192.0.2.1", 5070), nullptr);
  const TrunkSettings& a = *trunks_.find("a");
  EXPECT_EQ(TrunkBoard::callee_for(a, {"4930123", "x"}), "1001");
  EXPECT_EQ(TrunkBoard::callee_for(a, {"x", "4930123"}), "1001") << "the To user counts too";
  EXPECT_EQ(TrunkBoard::callee_for(a, {"999"}), "1002") << "the * entry";
  EXPECT_EQ(TrunkBoard::callee_for(*trunks_.find("b"), {"555"}), "555") << "no DIDs: as dialled";
}

TEST_F(SipChannelDriverTest, ADialledNumberThatLooksLikeATargetIsRefused) {
  for (const char* number : {"trunk/a/0900123", "sip/sip:x@evil.example", ""}) {
    InviteRequest request = invite(md5_credentials());
    request.request_user = number;
    driver_.on_incoming(std::make_shared<SipDialog>(), request);
  }
  EXPECT_TRUE(engine_.calls.empty()) << "routing must never see a '/' it did not put there";
  EXPECT_EQ(commands_.size(), 3u) << "each refused (404)";
  EXPECT_EQ(invites("refused"), 3u);
}

TEST_F(SipChannelDriverTest, AnInviteFromATrunkSkipsDigestAuthAndGoesToItsDid) {
  InviteRequest request = invite();
  request.source_address = "127.0.0.1";
  request.source_port = 5070;
  request.from_user = "+4930999";
  request.request_user = "4930123";
  auto dialog = std::make_shared<SipDialog>();
  driver_.on_incoming(dialog, request);
  ASSERT_EQ(engine_.calls.size(), 1u) << "no 407 for a provider";
  EXPECT_EQ(engine_.calls[0].caller.number, "+4930999");
  EXPECT_EQ(engine_.calls[0].callee.number, "1001");
  const Headers& headers = engine_.calls[0].headers;
  EXPECT_NE(std::find(headers.begin(), headers.end(), std::pair<std::string, std::string>{"X-Trunk", "a"}),
            headers.end());
}

TEST_F(SipChannelDriverTest, ATrunkCallFailsOverOn503AndTimeoutButNeverOnBusy) {
  const LegId leg = 9;
  driver_.originate_trunk(leg, originate_request("a,b/4930555"));
  ASSERT_EQ(commands_.size(), 1u);
  auto first = driver_.dialog_of(leg);
  ASSERT_TRUE(first);
  driver_.on_event(first, sip_failure(cause::temporary_failure, 503));
  EXPECT_TRUE(engine_.events.empty()) << "the engine does not hear of the failed attempt";
  ASSERT_EQ(commands_.size(), 2u) << "the next trunk is tried";
  auto second = driver_.dialog_of(leg);
  ASSERT_NE(second, first);
  driver_.on_event(first, LegEvent::answered());
  EXPECT_TRUE(engine_.events.empty()) << "late events of the old attempt are dropped";
  driver_.on_event(second, LegEvent::hung_up(cause::recovery_on_timer_expiry, "no response"));
  ASSERT_EQ(engine_.events.size(), 1u) << "no trunk left: the failure is the leg's";
  EXPECT_EQ(engine_.events[0].second.cause, cause::recovery_on_timer_expiry);

  const LegId busy_leg = 10;
  driver_.originate_trunk(busy_leg, originate_request("a,b/4930555"));
  driver_.on_event(driver_.dialog_of(busy_leg), sip_failure(cause::user_busy, 486));
  ASSERT_EQ(engine_.events.size(), 2u) << "busy is the callee's answer, not the trunk's failure";
  EXPECT_EQ(engine_.events[1].second.cause, cause::user_busy);
  EXPECT_EQ(commands_.size(), 3u);
}

TEST_F(SipChannelDriverTest, ATrunkThatRangIsNotLeftOnALaterFailure) {
  driver_.originate_trunk(11, originate_request("a,b/4930555"));
  auto first = driver_.dialog_of(11);
  driver_.on_event(first, LegEvent::progress({"application/sdp", "v=0\r\n"}));
  driver_.on_event(first, sip_failure(cause::temporary_failure, 503));
  ASSERT_EQ(engine_.events.size(), 2u) << "the caller may have heard its early media: no second trunk";
  EXPECT_EQ(engine_.events[1].second.type, LegEventType::hung_up);
  EXPECT_EQ(commands_.size(), 1u);
}

TEST_F(SipChannelDriverTest, TrunkTargetsThatCannotWorkFailAtOnce) {
  driver_.originate_trunk(1, originate_request("nope/4930555"));
  driver_.originate_trunk(2, originate_request("a"));
  trunks_.update({"a", "off", false, false}, "down");
  trunks_.update({"b", "off", false, false}, "down");
  driver_.originate_trunk(3, originate_request("a|b/4930555"));
  ASSERT_EQ(engine_.events.size(), 3u);
  EXPECT_EQ(engine_.events[0].second.cause, cause::no_route);
  EXPECT_EQ(engine_.events[1].second.cause, cause::invalid_number_format);
  EXPECT_EQ(engine_.events[2].second.cause, cause::no_circuit_available);
  EXPECT_TRUE(commands_.empty());
}

}  // namespace
}  // namespace junction::sip
