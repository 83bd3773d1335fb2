// For the mail tests: WAV files made in memory, and an Ogg reader (RFC 3533 pages with their
// CRCs, packets across pages) to check what the Opus conversion wrote without trusting it.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

namespace junction::mail::test {

inline void put_le(std::string& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

/// A canonical 44-byte-header PCM16 WAV of the interleaved `samples`.
inline std::string wav_file(std::uint32_t rate, std::uint16_t channels, const std::vector<std::int16_t>& samples) {
  const auto data_size = static_cast<std::uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put_le(out, 36 + data_size, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);
  put_le(out, 1, 2);  // PCM
  put_le(out, channels, 2);
  put_le(out, rate, 4);
  put_le(out, rate * channels * 2, 4);
  put_le(out, channels * 2u, 2);
  put_le(out, 16, 2);
  out += "data";
  put_le(out, data_size, 4);
  for (std::int16_t sample : samples) put_le(out, static_cast<std::uint16_t>(sample), 2);
  return out;
}

/// `frames` of a sine (amplitude 10000) of `left` Hz, and `right` Hz in a second channel.
inline std::string tone_wav(std::uint32_t rate, std::uint16_t channels, std::size_t frames, double left,
                            double right = 0) {
  std::vector<std::int16_t> samples;
  for (std::size_t i = 0; i < frames; ++i)
    for (std::uint16_t c = 0; c < channels; ++c)
      samples.push_back(static_cast<std::int16_t>(
          std::lround(10000 * std::sin(2 * std::numbers::pi * (c == 1 ? right : left) * double(i) / rate))));
  return wav_file(rate, channels, samples);
}

struct OggFile {
  bool valid = false;
  std::string problem;
  std::vector<std::string> packets;  ///< OpusHead, OpusTags, then the audio
  int channels = 0;                  ///< from OpusHead
  std::int64_t pre_skip = 0;         ///< from OpusHead, 48 kHz samples
  std::int64_t last_granule = -1;    ///< of the last page
  bool ends_stream = false;          ///< the last page has the end-of-stream flag
};

inline std::uint32_t ogg_crc(std::string_view page) {
  std::uint32_t crc = 0;
  for (char c : page) {
    crc ^= static_cast<std::uint32_t>(static_cast<unsigned char>(c)) << 24;
    for (int bit = 0; bit < 8; ++bit) crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
  }
  return crc;
}

inline OggFile parse_ogg(std::string_view bytes) {
  OggFile file;
  auto u8 = [&](std::size_t at) { return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at])); };
  auto le = [&](std::size_t at, int n) {
    std::uint64_t value = 0;
    for (int i = 0; i < n; ++i) value |= u8(at + i) << (8 * i);
    return value;
  };
  std::string packet;
  bool open_packet = false;
  std::uint64_t serial = 0;
  for (std::size_t at = 0, page = 0; at < bytes.size(); ++page) {
    auto fail = [&](std::string why) {
      file.problem = "page " + std::to_string(page) + ": " + why;
      return file;
    };
    if (bytes.size() - at < 27 || bytes.substr(at, 4) != "OggS") return fail("no OggS page header");
    if (bytes[at + 4] != 0) return fail("version");
    const auto flags = u8(at + 5);
    const auto segments = static_cast<std::size_t>(u8(at + 26));
    if (bytes.size() - at < 27 + segments) return fail("segment table cut short");
    std::size_t body = 0;
    for (std::size_t i = 0; i < segments; ++i) body += u8(at + 27 + i);
    const std::size_t size = 27 + segments + body;
    if (bytes.size() - at < size) return fail("body cut short");
    std::string copy(bytes.substr(at, size));
    for (int i = 22; i < 26; ++i) copy[i] = 0;
    if (ogg_crc(copy) != le(at + 22, 4)) return fail("CRC");
    if (page == 0) serial = le(at + 14, 4);
    if (le(at + 14, 4) != serial) return fail("serial number changes");
    if (le(at + 18, 4) != page) return fail("sequence number");
    if (((flags & 2) != 0) != (page == 0)) return fail("beginning-of-stream flag");
    if (((flags & 1) != 0) != open_packet) return fail("continuation flag");
    std::size_t data = at + 27 + segments;
    for (std::size_t i = 0; i < segments; ++i) {
      const auto length = static_cast<std::size_t>(u8(at + 27 + i));
      packet += bytes.substr(data, length);
      data += length;
      open_packet = length == 255;
      if (!open_packet) {
        file.packets.push_back(std::move(packet));
        packet.clear();
      }
    }
    if (const auto granule = static_cast<std::int64_t>(le(at + 6, 8)); granule != -1) file.last_granule = granule;
    file.ends_stream = (flags & 4) != 0;
    at += size;
  }
  if (open_packet) {
    file.problem = "the last packet is not finished";
    return file;
  }
  if (file.packets.empty() || file.packets[0].size() < 19 || !file.packets[0].starts_with("OpusHead")) {
    file.problem = "no OpusHead";
    return file;
  }
  file.channels = static_cast<unsigned char>(file.packets[0][9]);
  file.pre_skip = static_cast<unsigned char>(file.packets[0][10]) | static_cast<unsigned char>(file.packets[0][11])
                                                                        << 8;
  file.valid = true;
  return file;
}

}  // namespace junction::mail::test
