// Message-waiting indication without a SIP stack: the message-summary body, intervals, the
// Event and Accept checks, the subscription table's limits and expiry, the SUBSCRIBE decision
// (package, authentication, own mailbox only, 423, the counts) and the `mwi` config block.
#include <gtest/gtest.h>

#include <map>

#include "mwi_summary.hpp"
#include "mwi_table.hpp"
#include "phone_credentials.hpp"
#include "sip_settings.hpp"
#include "subscribe_handler.hpp"

#include "core/daemon/user_directory.hpp"

namespace junction::sip {
namespace {

using namespace std::chrono_literals;

// ---- the body and the header values ---------------------------------------------------------

TEST(MessageSummary, BodyFollowsRfc3842) {
  EXPECT_EQ(message_summary("sip:1001@junction", {0, 0}),
            "Messages-Waiting: no\r\nMessage-Account: sip:1001@junction\r\nVoice-Message: 0/0\r\n");
  EXPECT_EQ(message_summary("sip:1001@pbx.example", {2, 5}),
            "Messages-Waiting: yes\r\nMessage-Account: sip:1001@pbx.example\r\nVoice-Message: 2/5\r\n");
  // Only new messages light the lamp; heard and kept ones do not.
  EXPECT_EQ(message_summary("sip:1@x", {0, 3}).substr(0, 21), "Messages-Waiting: no\r");
  EXPECT_NE(message_summary("sip:1@x", {-1, -4}).find("Voice-Message: 0/0\r\n"), std::string::npos);
}

TEST(MessageSummary, SubscriptionStateValues) {
  EXPECT_EQ(subscription_active(3600), "active;expires=3600");
  EXPECT_EQ(subscription_active(-5), "active;expires=0");
  EXPECT_EQ(subscription_terminated("timeout"), "terminated;reason=timeout");
  EXPECT_EQ(subscription_terminated(""), "terminated");
}

TEST(MessageSummary, SecondsLeftRoundUp) {
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(seconds_until(now + 3600s, now), 3600);
  EXPECT_EQ(seconds_until(now + 1500ms, now), 2);
  EXPECT_EQ(seconds_until(now, now), 0);
  EXPECT_EQ(seconds_until(now - 1s, now), 0);
}

TEST(MessageSummary, EventAndAcceptChecks) {
  EXPECT_TRUE(is_message_summary("message-summary"));
  EXPECT_TRUE(is_message_summary("Message-Summary"));
  EXPECT_FALSE(is_message_summary("presence"));
  EXPECT_FALSE(is_message_summary(""));
  EXPECT_FALSE(is_message_summary("message-summary2"));
  EXPECT_TRUE(accepts_message_summary({}));
  EXPECT_TRUE(accepts_message_summary({"application/simple-message-summary"}));
  EXPECT_TRUE(accepts_message_summary({"application/pidf+xml", "Application/Simple-Message-Summary;q=0.5"}));
  EXPECT_TRUE(accepts_message_summary({"*/*"}));
  EXPECT_TRUE(accepts_message_summary({"application/*"}));
  EXPECT_FALSE(accepts_message_summary({"application/pidf+xml"}));
}

TEST(MessageSummary, ExpiryUnderThePolicy) {
  const MwiPolicy policy{60s, 3600s, 10, 100};
  using Kind = ExpiryDecision::Kind;
  EXPECT_EQ(decide_expiry(std::nullopt, policy).kind, Kind::accept);
  EXPECT_EQ(decide_expiry(std::nullopt, policy).seconds, 3600);
  EXPECT_EQ(decide_expiry(600, policy).seconds, 600);
  EXPECT_EQ(decide_expiry(86400, policy).seconds, 3600);  // shortened to the maximum
  EXPECT_EQ(decide_expiry(60, policy).kind, Kind::accept);
  EXPECT_EQ(decide_expiry(59, policy).kind, Kind::too_brief);
  EXPECT_EQ(decide_expiry(59, policy).seconds, 60);  // Min-Expires
  EXPECT_EQ(decide_expiry(0, policy).kind, Kind::unsubscribe);
  // The default hour stays within bounds that exclude it.
  EXPECT_EQ(decide_expiry(std::nullopt, MwiPolicy{60s, 600s, 10, 100}).seconds, 600);
  EXPECT_EQ(decide_expiry(std::nullopt, MwiPolicy{7200s, 86400s, 10, 100}).seconds, 7200);
}

// ---- the table -----------------------------------------------------------------------------

TEST(MwiTable, AddsRefreshesAndExpires) {
  MwiTable table(10, 100);
  const auto now = MwiTable::Clock::now();
  const auto a = table.add("1001", now + 60s, now);
  const auto b = table.add("1001", now + 30s, now);
  const auto c = table.add("1002", now + 90s, now);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.count("1001"), 2u);
  EXPECT_EQ(table.of_box("1001"), (std::vector<MwiTable::Id>{a, b}));
  EXPECT_EQ(table.next_expiry(), now + 30s);
  EXPECT_TRUE(table.expired(now + 29s).empty());
  EXPECT_EQ(table.expired(now + 60s), (std::vector<MwiTable::Id>{b, a}));
  EXPECT_TRUE(table.refresh(b, now + 120s, now + 10s));
  EXPECT_EQ(table.expired(now + 90s), (std::vector<MwiTable::Id>{a, c}));
  EXPECT_EQ(table.expires(b), now + 120s);
  EXPECT_FALSE(table.refresh(999, now, now));
}

TEST(MwiTable, EndingSubscriptionsKeepTheirPlaceButNoLongerExpireOrHearChanges) {
  MwiTable table(10, 100);
  const auto now = MwiTable::Clock::now();
  const auto a = table.add("1001", now + 60s, now);
  table.end(a);
  EXPECT_FALSE(table.active(a));
  EXPECT_TRUE(table.of_box("1001").empty());
  EXPECT_TRUE(table.expired(now + 1h).empty());
  EXPECT_FALSE(table.next_expiry());
  EXPECT_FALSE(table.refresh(a, now + 60s, now));
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.active_count(), 0u);
  table.remove(a);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.count("1001"), 0u);
  table.remove(a);  // twice is harmless
}

TEST(MwiTable, AUserBeyondTheLimitLosesTheLeastRecentlyRefreshed) {
  MwiTable table(2, 100);
  const auto now = MwiTable::Clock::now();
  const auto a = table.add("1001", now + 60s, now);
  const auto b = table.add("1001", now + 60s, now + 1s);
  EXPECT_TRUE(table.admit("1002").evicted.empty());
  table.refresh(a, now + 90s, now + 2s);  // a is now the fresher one
  auto admission = table.admit("1001");
  EXPECT_TRUE(admission.admitted);
  EXPECT_EQ(admission.evicted, (std::vector<MwiTable::Id>{b}));
  // An ending subscription makes room before an active one.
  table.end(a);
  admission = table.admit("1001");
  EXPECT_EQ(admission.evicted, (std::vector<MwiTable::Id>{a}));
}

TEST(MwiTable, AFullTableAdmitsNobodyElse) {
  MwiTable table(2, 3);
  const auto now = MwiTable::Clock::now();
  for (int i = 0; i < 3; ++i) table.add("box" + std::to_string(i), now + 60s, now);
  EXPECT_FALSE(table.admit("other").admitted);
  EXPECT_TRUE(table.admit("other").evicted.empty());
  // A user at their own limit still gets in: their oldest makes room.
  MwiTable full(1, 2);
  const auto mine = full.add("1001", now + 60s, now);
  full.add("1002", now + 60s, now);
  const auto admission = full.admit("1001");
  EXPECT_TRUE(admission.admitted);
  EXPECT_EQ(admission.evicted, (std::vector<MwiTable::Id>{mine}));
}

TEST(MwiTable, AFloodStaysWithinTheLimits) {
  const auto now = MwiTable::Clock::now();
  // Seven users resubscribing over and over: ten each at most, their own oldest go.
  MwiTable few(10, 100);
  for (int i = 0; i < 10000; ++i) {
    const std::string box = std::to_string(1000 + i % 7);
    const auto admission = few.admit(box);
    ASSERT_TRUE(admission.admitted);
    for (auto id : admission.evicted) few.remove(id);
    few.add(box, now + 60s, now + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(few.size(), 70u);
  for (int b = 0; b < 7; ++b) EXPECT_EQ(few.count(std::to_string(1000 + b)), 10u);
  // Ever new mailboxes: the table fills up and refuses the rest.
  MwiTable many(10, 50);
  std::size_t refused = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string box = std::to_string(i);
    const auto admission = many.admit(box);
    if (!admission.admitted) {
      ++refused;
      continue;
    }
    for (auto id : admission.evicted) many.remove(id);
    many.add(box, now + 60s, now);
  }
  EXPECT_EQ(many.size(), 50u);
  EXPECT_EQ(refused, 10000u - 50u);
}

// ---- the decision --------------------------------------------------------------------------

class FakeMailboxes final : public Mailboxes {
 public:
  MailboxCounts counts(std::string_view box) const override {
    auto it = counts_.find(std::string(box));
    return it == counts_.end() ? MailboxCounts{} : it->second;
  }
  std::map<std::string, MailboxCounts> counts_;
};

class SubscribeTest : public ::testing::Test {
 protected:
  SubscribeRequest request(const std::string& box = "1001", std::optional<long long> expires = 600) {
    SubscribeRequest r;
    r.event = "message-summary";
    r.accept = {"application/simple-message-summary"};
    r.request_user = box;
    r.to_user = box;
    r.from_user = "1001";
    r.expires = expires;
    r.source_address = "198.51.100.7";
    r.received = "udp:198.51.100.7:40612";
    return r;
  }

  SubscribeRequest authenticated(SubscribeRequest r, const std::string& password = "s3cret",
                                 const std::string& user = "1001") {
    const auto challenge = authenticator_.challenges({DigestAlgorithm::md5}, false, now_)[0];
    r.credentials = testing::answer_challenge(challenge, DigestAlgorithm::md5, user, password, "SUBSCRIBE");
    return r;
  }

  SubscribeDecision handle(const SubscribeRequest& r) { return handler_.handle(r, now_, steady_); }

  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
  AuthThrottle::Clock::time_point steady_ = AuthThrottle::Clock::now();
  UserDirectory directory_{{{"1001", "Alice", "alice@example.com", "s3cret", "1234", {}, ""},
                            {"1002", "Bob", "bob@example.com", "other", "", {}, ""}}};
  DigestAuthenticator authenticator_{"junction", "secret", 300s};
  AuthThrottle throttle_{{3, 60s, 600s, 1000}};
  RequestAuthenticator request_auth_{directory_, authenticator_, throttle_, {DigestAlgorithm::md5}};
  FakeMailboxes mailboxes_;
  SubscribeHandler handler_{request_auth_, mailboxes_, "pbx.example", MwiPolicy{60s, 3600s, 10, 100}};
};

TEST_F(SubscribeTest, OtherEventsGet489NamingMessageSummaryWithoutAChallenge) {
  auto r = request();
  r.event = "presence";
  const auto decision = handle(r);
  EXPECT_EQ(decision.status, 489);
  EXPECT_EQ(decision.reason, "Bad Event");
  EXPECT_EQ(subscribe_response_headers(decision), "Allow-Events: message-summary");
  r.event = "";
  EXPECT_EQ(handle(r).status, 489);
}

TEST_F(SubscribeTest, ABodyTypeTheSubscriberRefusesGets406) {
  auto r = request();
  r.accept = {"application/pidf+xml"};
  const auto decision = handle(r);
  EXPECT_EQ(decision.status, 406);
  EXPECT_EQ(subscribe_response_headers(decision), "Accept: application/simple-message-summary");
}

TEST_F(SubscribeTest, UnauthenticatedIsChallengedWith401) {
  const auto decision = handle(request());
  EXPECT_EQ(decision.status, 401);
  ASSERT_EQ(decision.www_authenticate.size(), 1u);
  EXPECT_EQ(subscribe_response_headers(decision).rfind("WWW-Authenticate: Digest ", 0), 0u);
}

TEST_F(SubscribeTest, TheOwnMailboxIsAcceptedWithItsCountsNow) {
  mailboxes_.counts_["1001"] = {2, 1};
  const auto decision = handle(authenticated(request()));
  ASSERT_EQ(decision.status, 200) << decision.log_detail;
  EXPECT_EQ(decision.box, "1001");
  EXPECT_EQ(decision.account, "sip:1001@pbx.example");
  EXPECT_EQ(decision.expires, 600);
  EXPECT_EQ(decision.counts, (MailboxCounts{2, 1}));
  EXPECT_EQ(subscribe_response_headers(decision), "");
}

TEST_F(SubscribeTest, TheMailboxMayBeNamedByToAlone) {
  auto r = request();
  r.request_user = "";
  EXPECT_EQ(handle(authenticated(r)).status, 200);
}

TEST_F(SubscribeTest, SomeoneElsesMailboxIs403AndNotAnAuthenticationFailure) {
  for (int i = 0; i < 5; ++i) {
    const auto decision = handle(authenticated(request("1002")));
    EXPECT_EQ(decision.status, 403);
    EXPECT_NE(decision.log_detail.find("1001 may not watch mailbox 1002"), std::string::npos) << decision.log_detail;
  }
  // Not counted by the throttle: the source may still subscribe to its own.
  EXPECT_EQ(handle(authenticated(request())).status, 200);
  // The To header may not name another mailbox either.
  auto r = request();
  r.to_user = "1002";
  EXPECT_EQ(handle(authenticated(r)).status, 403);
}

TEST_F(SubscribeTest, WrongPasswordsAre403AndThrottled) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(handle(authenticated(request(), "guess")).status, 403);
  const auto blocked = handle(authenticated(request()));
  EXPECT_EQ(blocked.status, 403);
  EXPECT_NE(blocked.log_detail.find("blocked"), std::string::npos) << blocked.log_detail;
}

TEST_F(SubscribeTest, CredentialsOfAnotherUserAre403) {
  auto r = request();
  r.from_user = "1002";
  r.request_user = "1002";
  r.to_user = "1002";
  EXPECT_EQ(handle(authenticated(r, "s3cret", "1001")).status, 403);
}

TEST_F(SubscribeTest, TooBriefIs423WithMinExpiresAndZeroIsAFetch) {
  auto decision = handle(authenticated(request("1001", 10)));
  EXPECT_EQ(decision.status, 423);
  EXPECT_EQ(subscribe_response_headers(decision), "Min-Expires: 60");
  decision = handle(authenticated(request("1001", 0)));
  EXPECT_EQ(decision.status, 200);
  EXPECT_EQ(decision.expires, 0);
  decision = handle(authenticated(request("1001", std::nullopt)));
  EXPECT_EQ(decision.expires, 3600);
  decision = handle(authenticated(request("1001", 99999)));
  EXPECT_EQ(decision.expires, 3600);
}

TEST_F(SubscribeTest, NoFromUserIs400) {
  auto r = request();
  r.from_user = "";
  EXPECT_EQ(handle(r).status, 400);
}

}  // namespace
}  // namespace junction::sip
