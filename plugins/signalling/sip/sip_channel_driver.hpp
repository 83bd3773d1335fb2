// The "sip" channel driver (call loop side): turns INVITEs into engine calls after digest
// authentication (407), and the engine's commands into work for CallSignalling on the sofia
// thread. Targets are SIP URIs ("sip/sip:1001@192.168.1.20:5062"); a registered contact is
// reached at the address its REGISTER came from (NAT).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "call_signalling.hpp"
#include "junction/call.hpp"
#include "junction/location.hpp"
#include "junction/logger.hpp"
#include "junction/metrics.hpp"
#include "request_authenticator.hpp"

namespace junction::sip {

class SipChannelDriver final : public ChannelDriver {
 public:
  /// Runs a command on the sofia thread, later, in the order given (or drops it once stopped).
  using ToSofia = std::function<void(std::function<void(CallSignalling&)>)>;

  SipChannelDriver(CallEngine& engine, LocationService& location, RequestAuthenticator& auth, Logger& logger,
                   Metrics& metrics, ToSofia to_sofia, std::shared_ptr<void> keep_alive);

  // From the sofia side, already on the call loop.
  void on_incoming(const std::shared_ptr<SipDialog>& dialog, InviteRequest request);
  void on_event(const std::shared_ptr<SipDialog>& dialog, LegEvent event);

  // ChannelDriver
  std::string_view name() const override { return "sip"; }
  void originate(LegId leg, const OriginateRequest& request) override;
  void answer(LegId leg, const SessionDescription& session) override;
  void alert(LegId leg, const SessionDescription& early_media) override;
  void reject(LegId leg, int cause) override;
  void redirect(LegId leg, const std::string& destination) override;
  void hangup(LegId leg, int cause) override;
  bool update_session(LegId leg, const SessionDescription& offer) override;
  void answer_session(LegId leg, const SessionDescription& answer, int cause) override;

  std::size_t legs() const { return legs_.size(); }

 private:
  /// The dialog of a leg the engine still knows; nullptr otherwise.
  std::shared_ptr<SipDialog> dialog_of(LegId leg) const;
  /// Forgets the leg (the engine will not hear of it again) and returns its dialog.
  std::shared_ptr<SipDialog> release(LegId leg);
  /// Where to send requests for `uri` dialled as `number`: the received address of the
  /// matching registration, or "" to go by the URI.
  std::string route_for(const std::string& number, const std::string& uri) const;

  CallEngine& engine_;
  LocationService& location_;
  RequestAuthenticator& auth_;
  Logger& logger_;
  ToSofia to_sofia_;
  std::shared_ptr<void> keep_alive_;  // what the references above live in
  std::unordered_map<LegId, std::shared_ptr<SipDialog>> legs_;
  Counter& calls_accepted_;
  Counter& calls_challenged_;
  Counter& calls_refused_;
};

}  // namespace junction::sip
