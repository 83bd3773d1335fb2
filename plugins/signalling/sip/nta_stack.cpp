#define NTA_LEG_MAGIC_T junction::sip::NtaStack
namespace junction::sip {
class NtaStack;
}

#include "nta_stack.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/tport_tag.h>

#include "sip_messages.hpp"

namespace junction::sip {

namespace {

// Messages outside any transaction or leg (stray responses): nothing to do with them.
int agent_callback(nta_agent_magic_t*, nta_agent_t*, msg_t* msg, sip_t*) {
  msg_destroy(msg);
  return 0;
}

int leg_callback(NtaStack* stack, nta_leg_t*, nta_incoming_t* irq, sip_t const* sip) {
  return stack->on_request(irq, sip);
}

std::string url_of(const ListenAddress& listen) {
  const bool v6 = listen.address.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + listen.address + "]" : listen.address;
  const std::string scheme = listen.transport == "tls" ? "sips:" : "sip:";
  return scheme + host + ":" + std::to_string(listen.port) + ";transport=" + listen.transport;
}

}  // namespace

NtaStack::NtaStack(su_root_s* root, const std::vector<ListenAddress>& listen, RegisterHandler on_register)
    : on_register_(std::move(on_register)) {
  if (listen.empty()) throw std::runtime_error("sip: no listen address");
  for (const ListenAddress& address : listen) {
    const std::string url = url_of(address);
    const char* certificates = address.certificate_directory.empty() ? nullptr : address.certificate_directory.c_str();
    errno = 0;
    if (!agent_) {
      agent_ = nta_agent_create(root, URL_STRING_MAKE(url.c_str()), agent_callback, nullptr, NTATAG_UA(1),
                                NTATAG_SERVER_RPORT(1), TAG_IF(certificates, TPTAG_CERTIFICATE(certificates)),
                                TAG_END());
      if (!agent_) throw std::runtime_error("sip: cannot listen on " + url + ": " + std::strerror(errno ? errno : EINVAL));
    } else if (nta_agent_add_tport(agent_, URL_STRING_MAKE(url.c_str()),
                                   TAG_IF(certificates, TPTAG_CERTIFICATE(certificates)), TAG_END()) < 0) {
      const int error = errno ? errno : EINVAL;
      nta_agent_destroy(agent_);
      throw std::runtime_error("sip: cannot listen on " + url + ": " + std::strerror(error));
    }
  }
  default_leg_ = nta_leg_tcreate(agent_, leg_callback, this, NTATAG_NO_DIALOG(1), TAG_END());
  if (!default_leg_) {
    nta_agent_destroy(agent_);
    throw std::runtime_error("sip: cannot create the default leg");
  }
}

NtaStack::~NtaStack() {
  for (nta_incoming_t* irq : open_) {
    nta_incoming_treply(irq, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
    nta_incoming_destroy(irq);
  }
  nta_leg_destroy(default_leg_);
  nta_agent_destroy(agent_);
}

int NtaStack::on_request(nta_incoming_t* irq, const void* parsed) {
  const sip_t* sip = static_cast<const sip_t*>(parsed);
  if (!sip || !sip->sip_request) return 400;
  switch (sip->sip_request->rq_method) {
    case sip_method_register: {
      msg_t* msg = nta_incoming_getrequest(irq);
      const MessageSource source = source_of(msg, sip);
      msg_destroy(msg);
      open_.insert(irq);
      on_register_(irq, to_register_request(sip, source));
      return 0;
    }
    case sip_method_options: return 200;
    case sip_method_ack: nta_incoming_destroy(irq); return 0;
    default: return 501;  // calls come with the call-handling part of the plugin
  }
}

void NtaStack::reply(nta_incoming_t* irq, const RegisterResponse& response) {
  if (!open_.erase(irq)) return;
  const std::string headers = response_headers(response);
  nta_incoming_treply(irq, response.status, response.reason.c_str(),
                      TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
  nta_incoming_destroy(irq);
}

}  // namespace junction::sip
