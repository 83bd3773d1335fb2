#include "audio_sdp.hpp"

#include <strings.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

namespace junction::media {

namespace {
// Formats without an rtpmap line are the static ones of RFC 3551.
const char* static_encoding(unsigned type) {
  switch (type) {
    case 0:
      return "PCMU";
    case 8:
      return "PCMA";
    case 9:
      return "G722";
    case 18:
      return "G729";
    default:
      return nullptr;
  }
}

std::string direction_of(unsigned mode) {
  switch (mode) {
    case sdp_sendonly:
      return "sendonly";
    case sdp_recvonly:
      return "recvonly";
    case sdp_inactive:
      return "inactive";
    default:
      return "sendrecv";
  }
}
}  // namespace

std::optional<AudioOffer> parse_audio_offer(const std::string& sdp, std::string& error) {
  auto* home = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
  if (!home) {
    error = "out of memory";
    return std::nullopt;
  }
  std::optional<AudioOffer> result;
  sdp_parser_t* parser = sdp_parse(home, sdp.data(), static_cast<issize_t>(sdp.size()), 0);
  const sdp_session_t* session = parser ? sdp_session(parser) : nullptr;
  if (!session) {
    const char* why = parser ? sdp_parsing_error(parser) : nullptr;
    error = std::string("unparsable SDP") + (why ? ": " + std::string(why) : "");
  } else {
    const sdp_media_t* audio = nullptr;
    for (const sdp_media_t* m = session->sdp_media; m && !audio; m = m->m_next)
      if (m->m_type == sdp_media_audio) audio = m;
    const sdp_connection_t* connection = audio && audio->m_connections ? audio->m_connections : session->sdp_connection;
    if (!audio) {
      error = "no audio stream";
    } else if (audio->m_port == 0 || audio->m_rejected) {
      error = "the audio stream is declined (port 0)";
    } else if (audio->m_proto != sdp_proto_rtp) {
      error = "audio is not RTP/AVP";
    } else if (!connection || !connection->c_address) {
      error = "no connection address";
    } else if (audio->m_port > 65535) {
      error = "port out of range";
    } else {
      AudioOffer offer;
      offer.address = connection->c_address;
      offer.port = static_cast<std::uint16_t>(audio->m_port);
      offer.direction = direction_of(audio->m_mode);
      for (const sdp_rtpmap_t* map = audio->m_rtpmaps; map; map = map->rm_next) {
        const char* name = map->rm_encoding ? map->rm_encoding : static_encoding(map->rm_pt);
        if (!name) continue;
        offer.formats.push_back(
            {static_cast<std::uint8_t>(map->rm_pt), name, static_cast<unsigned>(map->rm_rate ? map->rm_rate : 8000)});
      }
      result = std::move(offer);
    }
  }
  if (parser) sdp_parser_free(parser);
  su_home_unref(home);
  return result;
}

std::optional<AudioFormat> choose_format(const AudioOffer& offer, const std::vector<std::string>& supported) {
  for (const std::string& name : supported)
    for (const AudioFormat& format : offer.formats)
      if (strcasecmp(format.encoding.c_str(), name.c_str()) == 0) return format;
  return std::nullopt;
}

std::string audio_answer(const AudioOffer& offer, const AudioFormat& format, const std::string& address,
                         std::uint16_t port, std::uint64_t session_id) {
  const bool v6 = address.find(':') != std::string::npos;
  const std::string family = v6 ? "IP6 " : "IP4 ";
  std::string formats = std::to_string(format.payload_type);
  std::string maps = "a=rtpmap:" + std::to_string(format.payload_type) + " " + format.encoding + "/" +
                     std::to_string(format.rate) + "\r\n";
  for (const AudioFormat& other : offer.formats)  // the events at the codec's clock rate (RFC 4733 2.1)
    if (strcasecmp(other.encoding.c_str(), "telephone-event") == 0 && other.rate == format.rate) {
      formats += " " + std::to_string(other.payload_type);
      maps += "a=rtpmap:" + std::to_string(other.payload_type) + " telephone-event/" + std::to_string(other.rate) +
              "\r\na=fmtp:" + std::to_string(other.payload_type) + " 0-16\r\n";
      break;
    }
  const std::string direction = offer.direction == "sendonly"   ? "recvonly"
                                : offer.direction == "recvonly" ? "sendonly"
                                                                : offer.direction;
  const std::string id = std::to_string(session_id);
  return "v=0\r\no=junction " + id + " " + id + " IN " + family + address + "\r\ns=junction\r\nc=IN " + family +
         address + "\r\nt=0 0\r\nm=audio " + std::to_string(port) + " RTP/AVP " + formats + "\r\n" + maps +
         "a=" + direction + "\r\na=ptime:20\r\n";
}

}  // namespace junction::media
