// Call progress tones (ringback, busy, congestion) as the callers of a country know them,
// generated with spandsp's tone generator at 8 kHz.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace junction::media {

struct ToneCadence {
  int frequency1 = 0;                                    ///< Hz
  int frequency2 = 0;                                    ///< Hz, 0 for a single frequency
  int on1_ms = 0, off1_ms = 0, on2_ms = 0, off2_ms = 0;  ///< one cycle, repeated
};

/// The cadence of `name` ("ringback", "busy", "congestion") in `country` ("de", "us", "uk",
/// "fr", "at", "ch", "nl"), or nullopt when either is unknown.
std::optional<ToneCadence> tone_cadence(std::string_view name, std::string_view country);

/// `duration` of the tone as 16-bit 8 kHz samples at -13 dBm0 per frequency.
std::vector<std::int16_t> tone_samples(const ToneCadence& cadence, std::chrono::milliseconds duration);

/// The countries tone_cadence() knows, for error messages ("at, ch, de, fr, nl, uk, us").
std::string known_tone_countries();

}  // namespace junction::media
