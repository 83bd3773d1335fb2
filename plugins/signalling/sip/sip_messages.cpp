#include "sip_messages.hpp"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

namespace junction::sip {

namespace {

std::string text(const char* value) { return value ? value : ""; }

// "name=value" or name="quoted value" from a parameter list, unquoted; "" when absent.
std::string param(msg_param_t const* params, const char* name) {
  if (!params) return {};
  const std::size_t length = std::strlen(name);
  for (; *params; ++params) {
    const char* p = *params;
    if (strncasecmp(p, name, length) != 0 || p[length] != '=') continue;
    std::string value(p + length + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) ++i;
        unquoted += value[i];
      }
      return unquoted;
    }
    return value;
  }
  return {};
}

std::optional<long long> number(const char* value) {
  if (!value) return std::nullopt;
  long long out = 0;
  const char* end = value + std::strlen(value);
  auto [stop, ec] = std::from_chars(value, end, out);
  if (ec != std::errc{} || stop != end) return std::nullopt;
  return out;
}

std::string url_text(const url_t* url) {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text_form = url_as_string(home, url);
  std::string out = text_form ? text_form : "";
  su_home_deinit(home);
  return out;
}

}  // namespace

MessageSource source_of(msg_s* msg, const sip_s* sip) {
  MessageSource source;
  su_addrinfo_t* info = msg_addrinfo(msg);
  std::string transport = "udp";
  if (sip && sip->sip_via && sip->sip_via->v_protocol) {
    const char* slash = std::strrchr(sip->sip_via->v_protocol, '/');
    if (slash) {
      transport = slash + 1;
      for (char& c : transport) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (info && info->ai_addr) {
    char address[INET6_ADDRSTRLEN] = "";
    const auto* sa = reinterpret_cast<const su_sockaddr_t*>(info->ai_addr);
    int port = 0;
    if (sa->su_family == AF_INET) {
      inet_ntop(AF_INET, &sa->su_sin.sin_addr, address, sizeof address);
      port = ntohs(sa->su_sin.sin_port);
      source.transport_address = transport + ":" + address + ":" + std::to_string(port);
      source.port = port;
    } else if (sa->su_family == AF_INET6) {
      inet_ntop(AF_INET6, &sa->su_sin6.sin6_addr, address, sizeof address);
      port = ntohs(sa->su_sin6.sin6_port);
      source.transport_address = transport + ":[" + address + "]:" + std::to_string(port);
      source.port = port;
    }
    source.address = address;
  }
  return source;
}

static std::optional<DigestCredentials> digest_credentials(const msg_auth_t* au) {
  for (; au; au = au->au_next) {
    if (!au->au_scheme || strcasecmp(au->au_scheme, "Digest") != 0) continue;
    DigestCredentials c;
    c.username = param(au->au_params, "username");
    c.realm = param(au->au_params, "realm");
    c.nonce = param(au->au_params, "nonce");
    c.uri = param(au->au_params, "uri");
    c.response = param(au->au_params, "response");
    c.algorithm = param(au->au_params, "algorithm");
    c.qop = param(au->au_params, "qop");
    c.nc = param(au->au_params, "nc");
    c.cnonce = param(au->au_params, "cnonce");
    c.opaque = param(au->au_params, "opaque");
    return c;
  }
  return std::nullopt;
}

SessionDescription body_of(const sip_s* sip) {
  SessionDescription body;
  if (!sip->sip_payload || !sip->sip_payload->pl_data || sip->sip_payload->pl_len == 0) return body;
  body.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  body.content_type =
      sip->sip_content_type && sip->sip_content_type->c_type ? sip->sip_content_type->c_type : "application/sdp";
  return body;
}

InviteRequest to_invite_request(const sip_s* sip, const MessageSource& source) {
  InviteRequest request;
  request.call_id = sip->sip_call_id ? text(sip->sip_call_id->i_id) : "";
  if (sip->sip_from) {
    request.from_user = text(sip->sip_from->a_url->url_user);
    request.from_display = text(sip->sip_from->a_display);
    if (request.from_display.size() >= 2 && request.from_display.front() == '"' && request.from_display.back() == '"')
      request.from_display = request.from_display.substr(1, request.from_display.size() - 2);
  }
  if (sip->sip_request) request.request_user = text(sip->sip_request->rq_url->url_user);
  if (sip->sip_to) request.to_user = text(sip->sip_to->a_url->url_user);
  if (sip->sip_contact && sip->sip_contact->m_url->url_host) request.contact = url_text(sip->sip_contact->m_url);
  request.source_address = source.address;
  request.received = source.transport_address;
  request.source_port = source.port;
  if (sip->sip_user_agent) request.headers.emplace_back("User-Agent", text(sip->sip_user_agent->g_string));
  request.headers.emplace_back("Max-Forwards",
                               std::to_string(sip->sip_max_forwards ? sip->sip_max_forwards->mf_count : 70));
  request.headers.emplace_back("Call-ID", request.call_id);
  request.offer = body_of(sip);
  request.credentials = digest_credentials(sip->sip_proxy_authorization);
  return request;
}

RegisterRequest to_register_request(const sip_s* sip, const MessageSource& source) {
  RegisterRequest request;
  if (sip->sip_to) request.aor_user = text(sip->sip_to->a_url->url_user);
  for (const sip_contact_t* m = sip->sip_contact; m; m = m->m_next) {
    RegisterContact contact;
    contact.uri = m->m_url->url_host ? url_text(m->m_url) : "*";
    contact.expires = number(m->m_expires);
    request.contacts.push_back(std::move(contact));
  }
  if (sip->sip_expires) request.expires_header = static_cast<long long>(sip->sip_expires->ex_delta);
  request.call_id = sip->sip_call_id ? text(sip->sip_call_id->i_id) : "";
  request.cseq = sip->sip_cseq ? sip->sip_cseq->cs_seq : 0;
  request.source_address = source.address;
  request.received = source.transport_address;
  if (sip->sip_user_agent) request.user_agent = text(sip->sip_user_agent->g_string);
  request.credentials = digest_credentials(sip->sip_authorization);
  return request;
}

SubscribeRequest to_subscribe_request(const sip_s* sip, const MessageSource& source) {
  SubscribeRequest request;
  if (sip->sip_event) request.event = text(sip->sip_event->o_type);
  for (const sip_accept_t* accept = sip->sip_accept; accept; accept = accept->ac_next)
    if (accept->ac_type) request.accept.emplace_back(accept->ac_type);
  if (sip->sip_request) request.request_user = text(sip->sip_request->rq_url->url_user);
  if (sip->sip_to) request.to_user = text(sip->sip_to->a_url->url_user);
  if (sip->sip_from) request.from_user = text(sip->sip_from->a_url->url_user);
  // Delta-seconds only (RFC 6665); a date (RFC 2543's form) counts as no Expires at all.
  if (sip->sip_expires && !sip->sip_expires->ex_date)
    request.expires = static_cast<long long>(sip->sip_expires->ex_delta);
  request.source_address = source.address;
  request.received = source.transport_address;
  request.credentials = digest_credentials(sip->sip_authorization);
  return request;
}

std::string contact_uri(const sip_s* sip) {
  if (!sip->sip_contact || !sip->sip_contact->m_url->url_host) return {};
  return url_text(sip->sip_contact->m_url);
}

// The host of "udp:203.0.113.7:40612" or of "sip:1001@192.168.1.20:5062;transport=tcp".
static std::string host_of(const std::string& text, std::size_t start) {
  if (start < text.size() && text[start] == '[') return text.substr(start, text.find(']', start) + 1 - start);
  return text.substr(start, text.find_first_of(":;>", start) - start);
}

// A phone behind NAT registers a Contact with its private address; requests must go to the
// address its REGISTER came from instead. A Contact on the source's own host is trusted
// (phones may send from another port than the one they listen on).
// "udp:203.0.113.7:40612" -> "sip:203.0.113.7:40612;transport=udp", or "" to use the Contact.
std::string nat_route(const std::string& received, const std::string& contact) {
  const auto colon = received.find(':');
  if (colon == std::string::npos || colon + 1 >= received.size()) return {};
  const auto at = contact.find('@');
  const auto host_start = at != std::string::npos ? at + 1 : contact.find(':') + 1;
  if (host_of(received, colon + 1) == host_of(contact, host_start)) return {};
  return "sip:" + received.substr(colon + 1) + ";transport=" + received.substr(0, colon);
}

std::string random_call_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("sip: no randomness for a Call-ID");
  static const char* digits = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += digits[b >> 4];
    id += digits[b & 15];
  }
  return id;
}

std::string response_headers(const RegisterResponse& response) {
  std::string out;
  auto add = [&out](const std::string& line) {
    if (!out.empty()) out += "\r\n";
    out += line;
  };
  for (const auto& challenge : response.www_authenticate) add("WWW-Authenticate: " + challenge);
  if (response.min_expires) add("Min-Expires: " + std::to_string(*response.min_expires));
  for (const auto& [uri, expires] : response.contacts) add("Contact: <" + uri + ">;expires=" + std::to_string(expires));
  return out;
}

}  // namespace junction::sip
