// Text to speech with espeak-ng, resampled to the codec's rate. espeak-ng keeps global state:
// calls are serialised here. Blocking (tens of ms per sentence): run it on a worker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace junction::media {

/// `text` spoken in `language` ("en", "de", "fr" ... as espeak-ng names its voices), as 16-bit
/// mono samples at `rate` Hz. Throws std::runtime_error for an unknown language or a failure.
std::vector<std::int16_t> synthesize(const std::string& text, const std::string& language, unsigned rate);

}  // namespace junction::media
