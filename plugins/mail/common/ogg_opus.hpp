// Voice messages as Opus in Ogg (RFC 7845) for small mail attachments: a 16-bit PCM WAV, as the
// media plugin records them, becomes an .opus file that mail clients and phones play, about an
// eighth of the size at 16 kb/s (10 s of 8 kHz speech: 160 KB of WAV, 19 KB of Ogg). libsndfile
// reads the WAV from memory, libopusenc encodes and writes the Ogg pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace junction::mail {

inline constexpr int kDefaultOpusBitrate = 16000;  ///< bits/s: clear speech from 8 kHz recordings
inline constexpr int kMinOpusBitrate = 6000;
inline constexpr int kMaxOpusBitrate = 128000;

/// `wav` (RIFF WAVE, 16-bit PCM, mono or stereo, 8 to 192 kHz, at least one frame) as an Ogg Opus
/// file: the voice application at `bitrate` bits/s (clamped to the range above), the WAV's rate as
/// the input rate, its channels as they are. nullopt when `wav` is no such WAV or encoding fails;
/// never throws, logs nothing. Thread-safe (no shared state).
std::optional<std::string> wav_to_ogg_opus(std::string_view wav, int bitrate = kDefaultOpusBitrate);

}  // namespace junction::mail
