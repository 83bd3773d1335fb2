#include "core/voicemail/pin_guard.hpp"

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
  EXPECT_EQ(state.hash.size(), 64u);
  EXPECT_EQ(state.hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(state.hash.find("24680"), std::string::npos);  // not kept in clear
  EXPECT_EQ(attempt("4711").verdict, PinVerdict::wrong);
  EXPECT_EQ(attempt("24680").verdict, PinVerdict::accepted);
  EXPECT_EQ(attempt("24680", "").verdict, PinVerdict::accepted);
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
