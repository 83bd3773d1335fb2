// G.711 µ-law and A-law (ITU-T G.711) through spandsp's implementation: 8 kHz, one byte per
// sample. No spandsp header here, so the rest of the plugin builds without it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace junction::media {

enum class G711Law { ulaw, alaw };

/// `pcm` (16-bit linear) -> one byte per sample.
std::vector<std::uint8_t> g711_encode(G711Law law, std::span<const std::int16_t> pcm);
/// One byte per sample -> 16-bit linear.
std::vector<std::int16_t> g711_decode(G711Law law, std::span<const std::uint8_t> coded);

/// The static RTP payload type of each law (RFC 3551): PCMU 0, PCMA 8.
constexpr std::uint8_t payload_type(G711Law law) { return law == G711Law::ulaw ? 0 : 8; }

}  // namespace junction::media
