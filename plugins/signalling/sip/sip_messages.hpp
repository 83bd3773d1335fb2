// Translation between sofia's parsed messages and the plugin's plain values. Used on the
// sofia thread only; copies everything it needs out of sip_t.
#pragma once

#include <string>

#include "invite_request.hpp"
#include "registration_handler.hpp"
#include "subscribe_handler.hpp"

struct msg_s;
struct sip_s;

namespace junction::sip {

/// Where a message came from: "udp:198.51.100.7:40612" and the bare address.
struct MessageSource {
  std::string transport_address;
  std::string address;
  int port = 0;
};
MessageSource source_of(msg_s* msg, const sip_s* sip);

/// The REGISTER's contents as the registrar needs them.
RegisterRequest to_register_request(const sip_s* sip, const MessageSource& source);

/// The INVITE's contents as call handling needs them.
InviteRequest to_invite_request(const sip_s* sip, const MessageSource& source);

/// The SUBSCRIBE's contents as the message-waiting decision needs them.
SubscribeRequest to_subscribe_request(const sip_s* sip, const MessageSource& source);

/// The first Contact's URI as text ("" when there is none or it has no host).
std::string contact_uri(const sip_s* sip);

/// The message body with its Content-Type (empty when there is none).
SessionDescription body_of(const sip_s* sip);

/// Where to send requests for a phone whose messages come from `received`
/// ("udp:203.0.113.7:40612") and whose Contact is `contact`: the received address when the
/// Contact names another host (a phone behind NAT), "" to go by the Contact itself.
std::string nat_route(const std::string& received, const std::string& contact);

/// A fresh Call-ID: 128 random bits in hex.
std::string random_call_id();

/// Extra header lines for the response ("Name: value" joined by CRLF), or "" when none.
std::string response_headers(const RegisterResponse& response);

}  // namespace junction::sip
