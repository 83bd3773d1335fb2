// The SIP transaction layer (sofia's nta) for the plugin: listens on the configured
// transports, hands REGISTERs to the registrar, INVITEs to call signalling and SUBSCRIBEs to
// the message-waiting subscriptions. Lives on the sofia thread only.
// Why nta and not nua, and why REGISTER is answered without a server transaction (like
// Kamailio's registrar: a retransmission is simply answered again): docs/sip-layer-choice.md.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "call_signalling.hpp"
#include "mwi_subscriptions.hpp"
#include "registration_handler.hpp"
#include "sip_settings.hpp"
#include "trunk_link.hpp"

struct su_root_s;
struct nta_agent_s;
struct msg_s;

namespace junction::sip {

class NtaStack {
 public:
  /// A REGISTER waiting for its answer (the request message, kept until reply()).
  using Pending = msg_s*;
  /// Receives a REGISTER; it stays pending until reply() (on the sofia thread).
  using RegisterHandler = std::function<void(Pending request_message, RegisterRequest request)>;
  /// What the message-waiting subscriptions need.
  struct MwiSetup {
    MwiPolicy policy;
    MwiMetrics metrics;
    MwiSubscriptions::Events events;
  };

  /// Binds every listen address. Throws std::runtime_error("sip: cannot listen on ...").
  NtaStack(su_root_s* root, const std::vector<ListenAddress>& listen, const SipTimers& timers,
           RegisterHandler on_register, CallSignalling::Events call_events, const std::vector<TrunkSettings>& trunks,
           TrunkLink::Reporter trunk_reporter, MwiSetup mwi);
  ~NtaStack();  // answers what is still pending with 503 and destroys the agent
  NtaStack(const NtaStack&) = delete;
  NtaStack& operator=(const NtaStack&) = delete;

  /// Answers a pending REGISTER. Unknown ones are ignored.
  void reply(Pending request_message, const RegisterResponse& response);

  CallSignalling& calls() { return *calls_; }
  MwiSubscriptions& mwi() { return *mwi_; }

  /// Called by sofia for every message no transaction takes (public for the C callback).
  void on_message(msg_s* msg, const void* sip);

 private:
  nta_agent_s* agent_ = nullptr;
  RegisterHandler on_register_;
  std::set<msg_s*> pending_;
  std::unique_ptr<CallSignalling> calls_;
  std::unique_ptr<MwiSubscriptions> mwi_;
  std::vector<std::unique_ptr<TrunkLink>> trunks_;
};

}  // namespace junction::sip
