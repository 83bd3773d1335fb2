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
  unsigned channels = 1;  ///< as the rtpmap says (Opus is always "opus/48000/2")
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

/// The direction that answers `offered` (sendonly <-> recvonly, the others as they are).
std::string answer_direction(const std::string& offered);

/// Whether the stream is put on hold: sendonly, inactive, or the older c=0.0.0.0 (RFC 3264 8.4).
bool is_hold(const AudioOffer& offer);

/// What identifies our side of a stream towards one leg: where we receive and the origin
/// (o=) we present to that leg, whose version goes up with every SDP we send it (RFC 3264 8).
struct OwnSdp {
  std::string address;
  std::uint16_t port = 0;
  std::uint64_t session_id = 0;
  std::uint64_t version = 0;
};

/// One audio stream of `formats` (codec first, then telephone-event if any), `direction`.
std::string audio_sdp(const OwnSdp& own, const std::vector<AudioFormat>& formats, const std::string& direction);

/// What we offer a leg whose current session is `remote`: the first of `supported` it has,
/// plus its telephone-event at that clock rate. Empty when nothing matches.
std::vector<AudioFormat> offer_formats(const AudioOffer& remote, const std::vector<std::string>& supported);

/// `sdp` (a far end's session) with the origin line replaced by `own`'s: how a session is
/// passed on to a leg that already knows us as its peer, so that its origin stays ours.
std::string with_origin(const std::string& sdp, const OwnSdp& own);

}  // namespace junction::media
