#define NTA_AGENT_MAGIC_T junction::sip::NtaStack
namespace junction::sip {
class NtaStack;
}

#include "nta_stack.hpp"

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
      agent_ = nta_agent_create(root, URL_STRING_MAKE(url.c_str()), agent_callback, this, NTATAG_UA(1),
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
}

NtaStack::~NtaStack() {
  for (msg_t* msg : pending_) nta_msg_treply(agent_, msg, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
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
    case sip_method_options: nta_msg_treply(agent_, msg, SIP_200_OK, TAG_END()); return;
    case sip_method_ack: msg_destroy(msg); return;
    default:  // calls come with the call-handling part of the plugin
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
