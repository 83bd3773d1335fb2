#include "auth_throttle.hpp"

#include <gtest/gtest.h>

namespace junction::sip {
namespace {

using namespace std::chrono_literals;
const auto t0 = AuthThrottle::Clock::time_point(std::chrono::hours(1));

TEST(AuthThrottle, BlocksAfterRepeatedFailuresWithinTheWindowAndLiftsTheBlockLater) {
  AuthThrottle throttle({3, 60s, 600s, 1000});
  EXPECT_FALSE(throttle.failed("udp:198.51.100.9", t0));
  EXPECT_FALSE(throttle.failed("udp:198.51.100.9", t0 + 10s));
  EXPECT_FALSE(throttle.blocked("udp:198.51.100.9", t0 + 10s));
  EXPECT_TRUE(throttle.failed("udp:198.51.100.9", t0 + 20s)) << "the third failure starts the block";
  EXPECT_TRUE(throttle.blocked("udp:198.51.100.9", t0 + 21s));
  EXPECT_FALSE(throttle.blocked("udp:198.51.100.10", t0 + 21s)) << "other sources are not affected";
  EXPECT_EQ(throttle.blocked_sources(t0 + 21s), 1u);
  EXPECT_TRUE(throttle.blocked("udp:198.51.100.9", t0 + 619s));
  EXPECT_FALSE(throttle.blocked("udp:198.51.100.9", t0 + 621s));
}

TEST(AuthThrottle, FailuresSpreadBeyondTheWindowDoNotBlock) {
  AuthThrottle throttle({3, 60s, 600s, 1000});
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(throttle.failed("a", t0 + std::chrono::seconds(61 * i)));
  EXPECT_FALSE(throttle.blocked("a", t0 + 700s));
}

TEST(AuthThrottle, SuccessClearsFailures) {
  AuthThrottle throttle({3, 60s, 600s, 1000});
  throttle.failed("a", t0);
  throttle.failed("a", t0 + 1s);
  throttle.succeeded("a");
  EXPECT_FALSE(throttle.failed("a", t0 + 2s));
  EXPECT_FALSE(throttle.blocked("a", t0 + 2s));
}

TEST(AuthThrottle, MemoryIsBoundedUnderAFloodOfSourcesAndBlocksSurvive) {
  AuthThrottle throttle({2, 60s, 600s, 100});
  throttle.failed("attacker", t0);
  throttle.failed("attacker", t0);
  ASSERT_TRUE(throttle.blocked("attacker", t0));
  for (int i = 0; i < 10'000; ++i) throttle.failed("spoofed-" + std::to_string(i), t0 + 1s);
  EXPECT_LE(throttle.tracked_sources(), 100u);
  EXPECT_TRUE(throttle.blocked("attacker", t0 + 2s)) << "a flood of new sources must not lift a block";
}

}  // namespace
}  // namespace junction::sip
