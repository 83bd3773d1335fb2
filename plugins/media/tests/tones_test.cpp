// Call progress tones: the right cadence and frequency for the country.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "tones.hpp"

namespace junction::media {
namespace {

using namespace std::chrono_literals;

// Mean absolute amplitude of samples [from_ms, to_ms).
double level(const std::vector<std::int16_t>& s, int from_ms, int to_ms) {
  double sum = 0;
  for (int i = from_ms * 8; i < to_ms * 8; ++i) sum += std::abs(s[static_cast<std::size_t>(i)]);
  return sum / ((to_ms - from_ms) * 8);
}

// Zero crossings per second over [from_ms, to_ms) / 2: the frequency of a pure tone.
double frequency(const std::vector<std::int16_t>& s, int from_ms, int to_ms) {
  int crossings = 0;
  for (int i = from_ms * 8 + 1; i < to_ms * 8; ++i)
    if ((s[static_cast<std::size_t>(i - 1)] < 0) != (s[static_cast<std::size_t>(i)] < 0)) ++crossings;
  return crossings / 2.0 / ((to_ms - from_ms) / 1000.0);
}

TEST(TonesTest, GermanBusyIs425HzInHalfSecondBeats) {
  const auto cadence = tone_cadence("busy", "de");
  ASSERT_TRUE(cadence);
  const auto samples = tone_samples(*cadence, 2000ms);
  ASSERT_EQ(samples.size(), 16000u);
  EXPECT_GT(level(samples, 20, 460), 1000) << "on";
  EXPECT_LT(level(samples, 500, 940), 10) << "off";
  EXPECT_GT(level(samples, 980, 1420), 1000) << "on again";
  EXPECT_NEAR(frequency(samples, 20, 460), 425, 10);
}

TEST(TonesTest, UsRingbackRingsTwoSecondsThenPausesFour) {
  const auto samples = tone_samples(*tone_cadence("ringback", "us"), 6500ms);
  EXPECT_GT(level(samples, 100, 1900), 1000);
  EXPECT_LT(level(samples, 2100, 5900), 10);
  EXPECT_GT(level(samples, 6100, 6400), 1000);
}

TEST(TonesTest, UnknownNamesAndCountriesAreNone) {
  EXPECT_FALSE(tone_cadence("dial", "de"));
  EXPECT_FALSE(tone_cadence("busy", "xx"));
  EXPECT_EQ(known_tone_countries(), "at, ch, de, fr, nl, uk, us");
}

}  // namespace
}  // namespace junction::media
