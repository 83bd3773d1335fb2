#include "audio_sdp.hpp"

#include <strings.h>

#include <cstdlib>

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
        const unsigned channels = map->rm_params ? static_cast<unsigned>(std::atoi(map->rm_params)) : 1;
        offer.formats.push_back({static_cast<std::uint8_t>(map->rm_pt), name,
                                 static_cast<unsigned>(map->rm_rate ? map->rm_rate : 8000), channels ? channels : 1});
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

std::string answer_direction(const std::string& offered) {
  return offered == "sendonly" ? "recvonly" : offered == "recvonly" ? "sendonly" : offered;
}

bool is_hold(const AudioOffer& offer) {
  return offer.direction == "sendonly" || offer.direction == "inactive" || offer.address == "0.0.0.0";
}

namespace {
bool is_event(const AudioFormat& format) { return strcasecmp(format.encoding.c_str(), "telephone-event") == 0; }

// The offer's telephone-event at the codec's clock rate (RFC 4733 2.1), if it has one.
const AudioFormat* event_format(const AudioOffer& offer, const AudioFormat& codec) {
  for (const AudioFormat& other : offer.formats)
    if (is_event(other) && other.rate == codec.rate) return &other;
  return nullptr;
}

std::string origin_line(const OwnSdp& own) {
  const std::string family = own.address.find(':') != std::string::npos ? "IP6 " : "IP4 ";
  return "o=junction " + std::to_string(own.session_id) + " " + std::to_string(own.version) + " IN " + family +
         own.address;
}
}  // namespace

std::string audio_sdp(const OwnSdp& own, const std::vector<AudioFormat>& formats, const std::string& direction) {
  const std::string family = own.address.find(':') != std::string::npos ? "IP6 " : "IP4 ";
  std::string types;
  std::string maps;
  for (const AudioFormat& format : formats) {
    const std::string pt = std::to_string(format.payload_type);
    types += " " + pt;
    maps += "a=rtpmap:" + pt + " " + format.encoding + "/" + std::to_string(format.rate) +
            (format.channels > 1 ? "/" + std::to_string(format.channels) : "") + "\r\n";
    if (is_event(format)) maps += "a=fmtp:" + pt + " 0-16\r\n";
  }
  return "v=0\r\n" + origin_line(own) + "\r\ns=junction\r\nc=IN " + family + own.address + "\r\nt=0 0\r\nm=audio " +
         std::to_string(own.port) + " RTP/AVP" + types + "\r\n" + maps + "a=" + direction + "\r\na=ptime:20\r\n";
}

std::vector<AudioFormat> offer_formats(const AudioOffer& remote, const std::vector<std::string>& supported) {
  const auto codec = choose_format(remote, supported);
  if (!codec) return {};
  std::vector<AudioFormat> formats{*codec};
  if (const AudioFormat* events = event_format(remote, *codec)) formats.push_back(*events);
  return formats;
}

std::string with_origin(const std::string& sdp, const OwnSdp& own) {
  const auto start = sdp.find("\no=");
  if (start == std::string::npos) return sdp;
  const auto end = sdp.find('\n', start + 1);
  std::string line_end = (end != std::string::npos && sdp[end - 1] == '\r') ? "\r" : "";
  return sdp.substr(0, start + 1) + origin_line(own) + line_end + (end == std::string::npos ? "" : sdp.substr(end));
}

}  // namespace junction::media
