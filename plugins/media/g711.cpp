#include "g711.hpp"

#include <spandsp.h>

namespace junction::media {

std::vector<std::uint8_t> g711_encode(G711Law law, std::span<const std::int16_t> pcm) {
  std::vector<std::uint8_t> out(pcm.size());
  for (std::size_t i = 0; i < pcm.size(); ++i)
    out[i] = law == G711Law::ulaw ? linear_to_ulaw(pcm[i]) : linear_to_alaw(pcm[i]);
  return out;
}

std::vector<std::int16_t> g711_decode(G711Law law, std::span<const std::uint8_t> coded) {
  std::vector<std::int16_t> out(coded.size());
  for (std::size_t i = 0; i < coded.size(); ++i)
    out[i] = law == G711Law::ulaw ? ulaw_to_linear(coded[i]) : alaw_to_linear(coded[i]);
  return out;
}

}  // namespace junction::media
