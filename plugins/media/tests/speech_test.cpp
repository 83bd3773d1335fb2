// Text to speech: real speech comes out, in the asked language, at the asked rate.
#include <gtest/gtest.h>

#include <cstdlib>

#include "speech.hpp"

namespace junction::media {
namespace {

double mean_level(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (std::int16_t s : samples) sum += std::abs(s);
  return samples.empty() ? 0 : sum / samples.size();
}

TEST(SpeechTest, ASentenceBecomesAFewSecondsOfAudibleSpeech) {
  const auto english = synthesize("Your message has been saved.", "en", 8000);
  EXPECT_GT(english.size(), 8000u) << "at least a second at 8 kHz";
  EXPECT_LT(english.size(), 8u * 8000) << "not a minute";
  EXPECT_GT(mean_level(english), 300);
  const auto german = synthesize("Ihre Nachricht wurde gespeichert.", "de", 8000);
  EXPECT_GT(german.size(), 8000u);
  EXPECT_NE(german.size(), english.size());
}

TEST(SpeechTest, AnUnknownLanguageIsAnError) {
  try {
    synthesize("hello", "xx-nonsense", 8000);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no voice for language 'xx-nonsense'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace junction::media
