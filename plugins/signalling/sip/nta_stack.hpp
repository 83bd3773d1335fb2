// The SIP transaction layer (sofia's nta) for the plugin: listens on the configured
// transports and hands REGISTER transactions to the registrar. Lives on the sofia thread only.
// Why nta and not nua: docs/sip-layer-choice.md.
#pragma once

#include <functional>
#include <set>
#include <vector>

#include "registration_handler.hpp"
#include "sip_settings.hpp"

struct su_root_s;
struct nta_agent_s;
struct nta_leg_s;
struct nta_incoming_s;

namespace junction::sip {

class NtaStack {
 public:
  /// Receives a REGISTER; the transaction stays open until reply() (on the sofia thread).
  using RegisterHandler = std::function<void(nta_incoming_s* transaction, RegisterRequest request)>;

  /// Binds every listen address. Throws std::runtime_error("sip: cannot listen on ...").
  NtaStack(su_root_s* root, const std::vector<ListenAddress>& listen, RegisterHandler on_register);
  ~NtaStack();  // answers what is still open with 503 and destroys the agent
  NtaStack(const NtaStack&) = delete;
  NtaStack& operator=(const NtaStack&) = delete;

  /// Answers an open REGISTER transaction and releases it. Unknown transactions are ignored.
  void reply(nta_incoming_s* transaction, const RegisterResponse& response);

  /// Called by sofia for requests outside dialogs (public for the C callback).
  int on_request(nta_incoming_s* transaction, const void* sip);

 private:
  nta_agent_s* agent_ = nullptr;
  nta_leg_s* default_leg_ = nullptr;
  RegisterHandler on_register_;
  std::set<nta_incoming_s*> open_;
};

}  // namespace junction::sip
