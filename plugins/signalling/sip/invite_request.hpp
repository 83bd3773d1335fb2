// A new call as the sofia side hands it to the call loop: plain values copied out of the
// INVITE, nothing that points into sofia's memory.
#pragma once

#include <optional>
#include <string>

#include "digest_auth.hpp"
#include "junction/call.hpp"

namespace junction::sip {

struct InviteRequest {
  std::string call_id;
  std::string from_user;     ///< user part of From: who the caller claims to be
  std::string from_display;  ///< display name in From
  std::string request_user;  ///< user part of the Request-URI: the dialled number
  std::string to_user;       ///< user part of To (providers often put the DID there)
  std::string source_address;
  std::string received;  ///< "udp:198.51.100.7:40612"
  int source_port = 0;
  std::string contact;  ///< the Contact URI, where the caller takes in-dialog requests
  Headers headers;      ///< a few informative ones (User-Agent, ...), for scripts
  SessionDescription offer;
  std::optional<DigestCredentials> credentials;  ///< from Proxy-Authorization
};

}  // namespace junction::sip
