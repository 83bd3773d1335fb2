#include "speech.hpp"

#include <espeak-ng/speak_lib.h>

#include <mutex>
#include <stdexcept>

#include "audio_file.hpp"

namespace junction::media {

namespace {
std::mutex espeak_lock;  // espeak-ng's state is global
int espeak_rate = 0;     // its output rate once initialised
std::vector<float>* collecting = nullptr;

int collect_samples(short* samples, int count, espeak_EVENT*) {
  if (samples && collecting)
    for (int i = 0; i < count; ++i) collecting->push_back(static_cast<float>(samples[i]) / 32768.0f);
  return 0;  // go on
}
}  // namespace

std::vector<std::int16_t> synthesize(const std::string& text, const std::string& language, unsigned rate) {
  std::lock_guard lock(espeak_lock);
  if (espeak_rate == 0) {
    espeak_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    if (espeak_rate <= 0) {
      espeak_rate = 0;
      throw std::runtime_error("speech: espeak-ng did not start (is espeak-ng-data installed?)");
    }
    espeak_SetSynthCallback(collect_samples);
  }
  if (espeak_SetVoiceByName(language.c_str()) != EE_OK)
    throw std::runtime_error("speech: espeak-ng has no voice for language '" + language + "'");
  std::vector<float> samples;
  collecting = &samples;
  const espeak_ERROR result =
      espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  collecting = nullptr;
  if (result != EE_OK) throw std::runtime_error("speech: espeak-ng could not speak the text");
  return to_pcm16(resample(std::move(samples), static_cast<unsigned>(espeak_rate), rate));
}

}  // namespace junction::media
