#include "core/voicemail/pin_guard.hpp"

#include "core/text/sha256.hpp"

#include <gtest/gtest.h>

namespace junction {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

struct PinGuardTest : ::testing::Test {
  PinState state;
  PinPolicy policy{3, 60s, 200s};
  Clock::time_point now = Clock::time_point{} + 1000h;

  PinCheck attempt(std::string_view entered, std::string_view configured = "4711") {
    return check_pin(state, configured, entered, now, policy);
  }
};

TEST_F(PinGuardTest, TheConfiguredPinOpensTheMailbox) {
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::accepted);
  EXPECT_EQ(attempt("4712").verdict, PinVerdict::wrong);
  EXPECT_EQ(attempt("").verdict, PinVerdict::wrong);
}

TEST_F(PinGuardTest, AMailboxWithoutPinStaysClosed) {
  EXPECT_EQ(attempt("", "").verdict, PinVerdict::no_pin);
  EXPECT_EQ(attempt("1234", "").verdict, PinVerdict::no_pin);
}

TEST_F(PinGuardTest, ThreeWrongPinsLockEvenTheRightOne) {
  EXPECT_EQ(attempt("0000").verdict, PinVerdict::wrong);
  EXPECT_EQ(attempt("0001").verdict, PinVerdict::wrong);
  const PinCheck third = attempt("0002");
  EXPECT_EQ(third.verdict, PinVerdict::wrong);
  EXPECT_EQ(third.wait, 60s);
  now += 59s;
  const PinCheck locked = attempt("4711");
  EXPECT_EQ(locked.verdict, PinVerdict::locked);
  EXPECT_EQ(locked.wait, 1s);
  now += 1s;
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::accepted);
}

TEST_F(PinGuardTest, EachLockoutDoublesUpToTheLongest) {
  std::vector<std::chrono::seconds> lockouts;
  for (int round = 0; round < 4; ++round) {
    PinCheck check;
    for (int i = 0; i < 3; ++i) check = attempt("9999");
    lockouts.push_back(check.wait);
    now += check.wait;
  }
  EXPECT_EQ(lockouts, (std::vector<std::chrono::seconds>{60s, 120s, 200s, 200s}));
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::accepted);  // and the doubling starts afresh
  for (int i = 0; i < 2; ++i) attempt("9999");
  EXPECT_EQ(attempt("9999").wait, 60s);
}

TEST_F(PinGuardTest, ARightPinClearsEarlierFailures) {
  attempt("0000");
  attempt("0000");
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::accepted);
  attempt("0000");
  attempt("0000");
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::accepted);
}

TEST_F(PinGuardTest, AStoredPinReplacesTheConfiguredOne) {
  store_pin(state, "24680");
  ASSERT_TRUE(state.hash.starts_with("pbkdf2-sha256:100000:")) << state.hash;
  const std::string digest = state.hash.substr(state.hash.rfind(':') + 1);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(state.hash.find("24680"), std::string::npos);  // not kept in clear
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::wrong);
  EXPECT_EQ(attempt("24680").verdict, PinVerdict::accepted);
  EXPECT_EQ(attempt("24680", "").verdict, PinVerdict::accepted);
}

TEST_F(PinGuardTest, ADamagedStoredHashOpensNothing) {
  store_pin(state, "24680");
  for (const char* damaged : {"", "pbkdf2-sha256:", "pbkdf2-sha256:x:00", "pbkdf2-sha256:0:00", "sha256:1:00",
                              "pbkdf2-sha256:99999999999:00"}) {
    PinState copy = state;
    copy.hash = damaged;
    if (copy.hash.empty()) continue;  // no stored PIN: the configured one applies (tested above)
    EXPECT_EQ(check_pin(copy, "", "24680", now, policy).verdict, PinVerdict::wrong) << damaged;
  }
}

TEST(Pbkdf2, MatchesRfc7914Vector) {
  // RFC 7914 section 11: PBKDF2-HMAC-SHA256 ("passwd", "salt", c = 1, dkLen = 64); the first 32 bytes.
  EXPECT_EQ(pbkdf2_sha256_hex("passwd", "salt", 1), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
}

TEST(PinProblem, AcceptsFourToTwelveDigits) {
  EXPECT_EQ(pin_problem("1234"), "");
  EXPECT_EQ(pin_problem("123456789012"), "");
  EXPECT_NE(pin_problem("123"), "");
  EXPECT_NE(pin_problem("1234567890123"), "");
  EXPECT_NE(pin_problem("12a4"), "");
  EXPECT_NE(pin_problem("12#4"), "");
}

}  // namespace
}  // namespace junction
