#include "tones.hpp"

#include <spandsp.h>

#include <array>

namespace junction::media {

namespace {
struct CountryTones {
  const char* country;
  ToneCadence ringback, busy, congestion;
};

// ITU-T E.180 supplement 2 (the values in use in each network).
const std::array<CountryTones, 7> kTones = {{
    {"at", {420, 0, 1000, 5000, 0, 0}, {420, 0, 400, 400, 0, 0}, {420, 0, 200, 200, 0, 0}},
    {"ch", {425, 0, 1000, 4000, 0, 0}, {425, 0, 500, 500, 0, 0}, {425, 0, 200, 200, 0, 0}},
    {"de", {425, 0, 1000, 4000, 0, 0}, {425, 0, 480, 480, 0, 0}, {425, 0, 240, 240, 0, 0}},
    {"fr", {440, 0, 1500, 3500, 0, 0}, {440, 0, 500, 500, 0, 0}, {440, 0, 250, 250, 0, 0}},
    {"nl", {425, 0, 1000, 4000, 0, 0}, {425, 0, 500, 500, 0, 0}, {425, 0, 250, 250, 0, 0}},
    {"uk", {400, 450, 400, 200, 400, 2000}, {400, 0, 375, 375, 0, 0}, {400, 0, 400, 350, 225, 525}},
    {"us", {440, 480, 2000, 4000, 0, 0}, {480, 620, 500, 500, 0, 0}, {480, 620, 250, 250, 0, 0}},
}};
}  // namespace

std::optional<ToneCadence> tone_cadence(std::string_view name, std::string_view country) {
  for (const CountryTones& tones : kTones) {
    if (country != tones.country) continue;
    if (name == "ringback") return tones.ringback;
    if (name == "busy") return tones.busy;
    if (name == "congestion") return tones.congestion;
    return std::nullopt;
  }
  return std::nullopt;
}

std::string known_tone_countries() {
  std::string out;
  for (const CountryTones& tones : kTones) out += (out.empty() ? "" : ", ") + std::string(tones.country);
  return out;
}

std::vector<std::int16_t> tone_samples(const ToneCadence& c, std::chrono::milliseconds duration) {
  tone_gen_descriptor_t* descriptor = tone_gen_descriptor_init(
      nullptr, c.frequency1, -13, c.frequency2, c.frequency2 ? -13 : 0, c.on1_ms, c.off1_ms, c.on2_ms, c.off2_ms, 1);
  tone_gen_state_t* generator = descriptor ? tone_gen_init(nullptr, descriptor) : nullptr;
  std::vector<std::int16_t> samples(static_cast<std::size_t>(duration.count()) * 8);
  if (generator) {
    std::size_t done = 0;
    while (done < samples.size()) {
      const int made = tone_gen(generator, samples.data() + done, static_cast<int>(samples.size() - done));
      if (made <= 0) break;
      done += static_cast<std::size_t>(made);
    }
    tone_gen_free(generator);
  }
  if (descriptor) tone_gen_descriptor_free(descriptor);
  return samples;
}

}  // namespace junction::media
