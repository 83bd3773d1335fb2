// The registrar's decisions: challenge, authenticate, throttle, bind, refresh, unbind,
// interval checks and ordering, all against the real location service.
#include "registration_handler.hpp"

#include <gtest/gtest.h>

#include "phone_credentials.hpp"

#include "core/daemon/user_directory.hpp"
#include "core/exec/inline_worker_pool.hpp"
#include "core/exec/manual_executor.hpp"
#include "core/location/location_registry.hpp"
#include "core/location/memory_location_store.hpp"
#include "core/log/log_sink.hpp"
#include "core/metrics/metrics_registry.hpp"

namespace junction::sip {
namespace {

using namespace std::chrono_literals;

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest() { location_.start(std::make_unique<MemoryLocationStore>()); }

  RegisterRequest request(const std::string& contact, std::optional<long long> expires = 600) {
    RegisterRequest r;
    r.aor_user = "1001";
    if (!contact.empty()) r.contacts.push_back({contact, std::nullopt});
    r.expires_header = expires;
    r.call_id = "call-1";
    r.cseq = ++cseq_;
    r.source_address = "198.51.100.7";
    r.received = "udp:198.51.100.7:40612";
    r.user_agent = "test-phone";
    return r;
  }

  // Answers the first challenge the way a phone does.
  RegisterRequest authenticated(RegisterRequest r, const std::string& password = "s3cret",
                                DigestAlgorithm algorithm = DigestAlgorithm::sha256, const std::string& user = "1001") {
    const auto challenge = authenticator_.challenges({algorithm}, false, now_)[0];
    r.credentials = testing::answer_challenge(challenge, algorithm, user, password);
    return r;
  }

  RegisterResponse handle(const RegisterRequest& r) { return handler_.handle(r, now_, steady_); }

  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
  AuthThrottle::Clock::time_point steady_ = AuthThrottle::Clock::now();
  std::uint32_t cseq_ = 0;
  UserDirectory directory_{{{"1001", "Alice", "alice@example.com", "s3cret", "1234", {}, ""},
                            {"1002", "Bob", "bob@example.com", "", "", {}, ""},
                            {"1003", "Carol", "", "strong", "", {"sha256"}, ""}}};
  ManualExecutor loop_;
  InlineWorkerPool workers_;
  LogSink sink_{stderr, LogLevel::warn};
  ComponentLogger logger_{sink_, "location"};
  MetricsRegistry metrics_;
  LocationRegistry location_{loop_, workers_, logger_, metrics_, [this] { return now_; }};
  DigestAuthenticator authenticator_{"junction", "secret", 300s};
  AuthThrottle throttle_{{3, 60s, 600s, 1000}};
  RequestAuthenticator request_auth_{
      directory_, authenticator_, throttle_, {DigestAlgorithm::sha256, DigestAlgorithm::md5}};
  RegistrationHandler handler_{location_, request_auth_, RegistrarPolicy{60s, 3600s, 3600s, 2}};
};

TEST_F(RegistrationTest, UnauthenticatedRegisterIsChallengedWithBothAlgorithms) {
  const auto response = handle(request("sip:1001@10.0.0.1:5060"));
  EXPECT_EQ(response.status, 401);
  ASSERT_EQ(response.www_authenticate.size(), 2u);
  EXPECT_NE(response.www_authenticate[0].find("SHA-256"), std::string::npos);
  EXPECT_EQ(location_.size(), 0u);
}

TEST_F(RegistrationTest, AuthenticatedRegisterBindsTheContactWithWhereItCameFrom) {
  for (DigestAlgorithm algorithm : {DigestAlgorithm::sha256, DigestAlgorithm::md5}) {
    const auto response = handle(authenticated(request("sip:1001@10.0.0.1:5060"), "s3cret", algorithm));
    EXPECT_EQ(response.status, 200) << response.log_detail;
    ASSERT_EQ(response.contacts.size(), 1u);
    EXPECT_EQ(response.contacts[0].first, "sip:1001@10.0.0.1:5060");
    EXPECT_EQ(response.contacts[0].second, 600);
  }
  const auto bound = location_.lookup("1001");
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].received, "udp:198.51.100.7:40612");
  EXPECT_EQ(bound[0].user_agent, "test-phone");
}

TEST_F(RegistrationTest, WrongPasswordsAreRefusedThenTheSourceIsBlocked) {
  EXPECT_EQ(handle(authenticated(request("sip:x"), "guess1")).status, 403);
  EXPECT_EQ(handle(authenticated(request("sip:x"), "guess2")).status, 403);
  const auto third = handle(authenticated(request("sip:x"), "guess3"));
  EXPECT_EQ(third.status, 403);
  EXPECT_NE(third.log_detail.find("blocked"), std::string::npos) << third.log_detail;
  const auto right_but_blocked = handle(authenticated(request("sip:x")));
  EXPECT_EQ(right_but_blocked.status, 403);
  EXPECT_NE(right_but_blocked.log_detail.find("is blocked"), std::string::npos);
  steady_ += 601s;
  EXPECT_EQ(handle(authenticated(request("sip:x"))).status, 200);
}

TEST_F(RegistrationTest, UnknownUsersAndOtherUsersCredentialsAreRefused) {
  auto unknown = request("sip:9999@10.0.0.1");
  unknown.aor_user = "9999";
  EXPECT_EQ(handle(unknown).status, 401) << "unknown users are challenged like everyone";
  EXPECT_EQ(handle(authenticated(unknown, "s3cret", DigestAlgorithm::sha256, "9999")).status, 403);
  auto no_password = request("sip:1002@10.0.0.1");
  no_password.aor_user = "1002";
  EXPECT_EQ(handle(authenticated(no_password, "", DigestAlgorithm::sha256, "1002")).status, 403);
  auto impostor = authenticated(request("sip:1001@10.0.0.1"), "s3cret", DigestAlgorithm::sha256, "1002");
  EXPECT_EQ(handle(impostor).status, 403);
}

TEST_F(RegistrationTest, ExpiryBelowTheMinimumIs423AndChangesNothing) {
  const auto response = handle(authenticated(request("sip:1001@10.0.0.1", 30)));
  EXPECT_EQ(response.status, 423);
  ASSERT_TRUE(response.min_expires);
  EXPECT_EQ(*response.min_expires, 60);
  EXPECT_EQ(location_.size(), 0u);
}

TEST_F(RegistrationTest, ExpiryAboveTheMaximumIsShortened) {
  const auto response = handle(authenticated(request("sip:1001@10.0.0.1", 86400)));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.contacts[0].second, 3600);
}

TEST_F(RegistrationTest, UnregisterOneContactOrAll) {
  ASSERT_EQ(handle(authenticated(request("sip:1001@10.0.0.1"))).status, 200);
  auto second = request("sip:1001@10.0.0.2");
  second.call_id = "call-2";
  ASSERT_EQ(handle(authenticated(second)).status, 200);
  EXPECT_EQ(location_.size(), 2u);
  const auto one = handle(authenticated(request("sip:1001@10.0.0.1", 0)));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.contacts.size(), 1u);
  EXPECT_EQ(handle(authenticated(request("*", 600))).status, 400) << "* needs Expires: 0";
  EXPECT_EQ(handle(authenticated(request("*", 0))).status, 200);
  EXPECT_EQ(location_.size(), 0u);
}

TEST_F(RegistrationTest, OutOfOrderRefreshIsRefusedRetransmissionIsAnsweredAgain) {
  auto older = authenticated(request("sip:1001@10.0.0.1"));
  auto newer = authenticated(request("sip:1001@10.0.0.1", 1200));
  ASSERT_EQ(handle(newer).status, 200);
  const auto retransmission = handle(newer);
  EXPECT_EQ(retransmission.status, 200) << "the same CSeq again is a retransmission";
  EXPECT_EQ(handle(older).status, 500) << "a lower CSeq on the same Call-ID arrived late";
  EXPECT_EQ(location_.lookup("1001")[0].expires, now_ + 1200s);
}

TEST_F(RegistrationTest, QueryListsBindingsAndTheOldestGoBeyondTheLimit) {
  for (int i = 1; i <= 3; ++i) {
    auto r = request("sip:1001@10.0.0." + std::to_string(i));
    r.call_id = "call-" + std::to_string(i);
    ASSERT_EQ(handle(authenticated(r)).status, 200);
  }
  const auto query = handle(authenticated(request("")));
  ASSERT_EQ(query.status, 200);
  ASSERT_EQ(query.contacts.size(), 2u) << "at most 2 per user";
  EXPECT_EQ(query.contacts[0].first, "sip:1001@10.0.0.3");
  EXPECT_EQ(query.contacts[1].first, "sip:1001@10.0.0.2");
}

TEST_F(RegistrationTest, PerUserPolicyDecidesTheAlgorithms) {
  auto carol = request("sip:1003@10.0.0.9");
  carol.aor_user = "1003";
  const auto challenge = handle(carol);
  ASSERT_EQ(challenge.www_authenticate.size(), 1u) << "Carol is only offered SHA-256";
  EXPECT_NE(challenge.www_authenticate[0].find("SHA-256"), std::string::npos);
  EXPECT_EQ(handle(authenticated(carol, "strong", DigestAlgorithm::md5, "1003")).status, 403);
  EXPECT_EQ(handle(authenticated(carol, "strong", DigestAlgorithm::sha256, "1003")).status, 200);
}

TEST_F(RegistrationTest, StaleNonceIsChallengedAgainWithStale) {
  auto r = authenticated(request("sip:1001@10.0.0.1"));
  now_ += 301s;
  const auto response = handle(r);
  EXPECT_EQ(response.status, 401);
  ASSERT_FALSE(response.www_authenticate.empty());
  EXPECT_NE(response.www_authenticate[0].find("stale=true"), std::string::npos);
}

}  // namespace
}  // namespace junction::sip
