#define NTA_AGENT_MAGIC_T junction::sip::NtaStack
namespace junction::sip {
class NtaStack;
}

#include "nta_stack.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/tport_tag.h>

#include "sip_messages.hpp"

namespace junction::sip {

namespace {

// Every message that no transaction or leg takes: requests outside dialogs, stray responses.
int agent_callback(NtaStack* stack, nta_agent_t*, msg_t* msg, sip_t* sip) {
  stack->on_message(msg, sip);
  return 0;
}

// sofia reports a failed bind with a wrong errno; binding a probe socket first gives the
// real reason ("Address already in use", "Cannot assign requested address").
std::string bind_problem(const ListenAddress& listen) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (inet_pton(AF_INET, listen.address.c_str(), &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr) == 1) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(listen.port));
    length = sizeof *v4;
  } else if (inet_pton(AF_INET6, listen.address.c_str(), &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr) == 1) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(listen.port));
    length = sizeof *v6;
  } else {
    return "not an IP address";
  }
  const int fd = ::socket(storage.ss_family, listen.transport == "udp" ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd < 0) return std::strerror(errno);
  const int one = 1;
  if (listen.transport != "udp") ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  std::string problem;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) problem = std::strerror(errno);
  ::close(fd);
  return problem;
}

std::string url_of(const ListenAddress& listen) {
  const bool v6 = listen.address.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + listen.address + "]" : listen.address;
  const std::string scheme = listen.transport == "tls" ? "sips:" : "sip:";
  return scheme + host + ":" + std::to_string(listen.port) + ";transport=" + listen.transport;
}

}  // namespace

NtaStack::NtaStack(su_root_s* root, const std::vector<ListenAddress>& listen, const SipTimers& timers,
                   RegisterHandler on_register, CallSignalling::Events call_events,
                   const std::vector<TrunkSettings>& trunks, TrunkLink::Reporter trunk_reporter, MwiSetup mwi)
    : on_register_(std::move(on_register)) {
  if (listen.empty()) throw std::runtime_error("sip: no listen address");
  for (const ListenAddress& address : listen) {
    const std::string url = url_of(address);
    if (std::string problem = bind_problem(address); !problem.empty()) {
      if (agent_) nta_agent_destroy(agent_);
      throw std::runtime_error("sip: cannot listen on " + address.transport + ":" + address.address + ":" +
                               std::to_string(address.port) + ": " + problem);
    }
    const char* certificates = address.certificate_directory.empty() ? nullptr : address.certificate_directory.c_str();
    errno = 0;
    if (!agent_) {
      agent_ = nta_agent_create(root, URL_STRING_MAKE(url.c_str()), agent_callback, this, NTATAG_UA(1),
                                NTATAG_SERVER_RPORT(1), NTATAG_SIP_T1(timers.t1_ms), NTATAG_SIP_T2(timers.t2_ms),
                                NTATAG_SIP_T4(timers.t4_ms), NTATAG_SIP_T1X64(timers.t1x64_ms),
                                TAG_IF(certificates, TPTAG_CERTIFICATE(certificates)), TAG_END());
      if (!agent_)
        throw std::runtime_error("sip: cannot listen on " + url + ": " + std::strerror(errno ? errno : EINVAL));
    } else if (nta_agent_add_tport(agent_, URL_STRING_MAKE(url.c_str()),
                                   TAG_IF(certificates, TPTAG_CERTIFICATE(certificates)), TAG_END()) < 0) {
      const int error = errno ? errno : EINVAL;
      nta_agent_destroy(agent_);
      throw std::runtime_error("sip: cannot listen on " + url + ": " + std::strerror(error));
    }
  }
  calls_ = std::make_unique<CallSignalling>(root, agent_, listen, std::move(call_events));
  CallSignalling* calls = calls_.get();
  mwi_ = std::make_unique<MwiSubscriptions>(
      root, agent_, mwi.policy,
      [calls](const std::string& transport, const std::string& host) { return calls->contact_for(transport, host); },
      mwi.metrics, std::move(mwi.events));
  for (const TrunkSettings& trunk : trunks) {
    const std::string contact =
        calls_->contact_for(trunk.transport, "", trunk.username.empty() ? "junction" : trunk.username);
    trunks_.push_back(std::make_unique<TrunkLink>(root, agent_, trunk, contact, trunk_reporter));
  }
  for (auto& link : trunks_) link->start();
}

NtaStack::~NtaStack() {
  for (msg_t* msg : pending_) nta_msg_treply(agent_, msg, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
  trunks_.clear();  // like the dialogs, they hold nta handles of the agent
  mwi_.reset();     // answers its pending SUBSCRIBEs 503 and drops its dialogs without a NOTIFY
  calls_.reset();
  nta_agent_destroy(agent_);
}

void NtaStack::on_message(msg_t* msg, const void* parsed) {
  const sip_t* sip = static_cast<const sip_t*>(parsed);
  if (!sip || !sip->sip_request) {
    msg_destroy(msg);  // a response nobody waits for
    return;
  }
  switch (sip->sip_request->rq_method) {
    case sip_method_register: {
      RegisterRequest request = to_register_request(sip, source_of(msg, sip));
      pending_.insert(msg);
      on_register_(msg, std::move(request));
      return;
    }
    case sip_method_options:  // what a phone may ask of us (RFC 3261 11, RFC 6665 7.2.2)
      nta_msg_treply(agent_, msg, SIP_200_OK,
                     SIPTAG_ALLOW_STR("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REGISTER, SUBSCRIBE"),
                     SIPTAG_ALLOW_EVENTS_STR("message-summary"), SIPTAG_ACCEPT_STR("application/sdp"), TAG_END());
      return;
    case sip_method_invite:
      calls_->on_invite(msg, sip, source_of(msg, sip));
      return;
    case sip_method_subscribe:
      mwi_->on_subscribe(msg, sip, source_of(msg, sip));
      return;
    case sip_method_ack:
      msg_destroy(msg);  // for a response sent statelessly, or a transaction already gone
      return;
    case sip_method_cancel:
    case sip_method_bye:
    case sip_method_prack:
    case sip_method_update:
    case sip_method_info:
      nta_msg_treply(agent_, msg, SIP_481_NO_TRANSACTION, TAG_END());  // no such call or transaction
      return;
    default:
      nta_msg_treply(agent_, msg, SIP_501_NOT_IMPLEMENTED, TAG_END());
      return;
  }
}

void NtaStack::reply(msg_t* msg, const RegisterResponse& response) {
  if (!pending_.erase(msg)) return;
  const std::string headers = response_headers(response);
  nta_msg_treply(agent_, msg, response.status, response.reason.c_str(),
                 TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());  // takes msg
}

}  // namespace junction::sip
