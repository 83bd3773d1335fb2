// The timer-rounding fix is the su_duration sofia resolves to, and it rounds up.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <sofia-sip/su_time.h>

namespace {

TEST(SofiaTimerRounding, SubMillisecondWaitsRoundUp) {
  su_time_t later{100, 400};
  su_time_t now{100, 0};
  EXPECT_EQ(su_duration(later, now), 1) << "0.4 ms must not become a zero-timeout poll";
  later = {101, 0};
  EXPECT_EQ(su_duration(later, now), 1000);
  EXPECT_EQ(su_duration(now, later), -1000);
}

TEST(SofiaTimerRounding, TheSymbolSofiaFindsIsOurs) {
  void* found = dlsym(RTLD_DEFAULT, "su_duration");
  ASSERT_NE(found, nullptr);
  Dl_info info{};
  ASSERT_NE(dladdr(found, &info), 0);
  EXPECT_EQ(std::string(info.dli_fname).find("libsofia"), std::string::npos)
      << "su_duration resolves to " << info.dli_fname << ", not to the rounding fix";
}

}  // namespace
