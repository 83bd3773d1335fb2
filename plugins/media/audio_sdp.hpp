// The server as a media endpoint in SDP offer/answer (RFC 3264): what a far end's offer says
// about its audio stream (parsed with sofia-sip's SDP parser), and the answer we give when we
// take that stream ourselves. No sofia header here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace junction::media {

struct AudioFormat {
  std::uint8_t payload_type = 0;
  std::string encoding;  ///< "PCMU", "PCMA", "telephone-event" ...
  unsigned rate = 8000;
};

struct AudioOffer {
  std::string address;  ///< where the far end receives RTP
  std::uint16_t port = 0;
  std::vector<AudioFormat> formats;  ///< in the offer's order of preference
  std::string direction = "sendrecv";
};

/// The first audio stream of `sdp`. nullopt with `error` set when there is none we can use
/// (unparsable, no audio, port 0, not RTP/AVP, no address).
std::optional<AudioOffer> parse_audio_offer(const std::string& sdp, std::string& error);

/// The first of `supported` (encoding names, in our preference) that the offer has, or nullopt.
std::optional<AudioFormat> choose_format(const AudioOffer& offer, const std::vector<std::string>& supported);

/// Our answer: one audio stream at `address`:`port` with `format` (plus the offer's first
/// telephone-event at the codec's clock rate), direction mirrored (sendonly <-> recvonly).
std::string audio_answer(const AudioOffer& offer, const AudioFormat& format, const std::string& address,
                         std::uint16_t port, std::uint64_t session_id);

}  // namespace junction::media
