// The "sip" channel driver (call loop side): turns INVITEs into engine calls after digest
// authentication (407) or, from a trunk's proxy, by DID; and the engine's commands into work
// for CallSignalling on the sofia thread. Targets are SIP URIs ("sip/sip:1001@192.168.1.20:5062";
// a registered contact is reached at the address its REGISTER came from, for NAT) or, through
// the "trunk" driver, "trunk/<selection>/<number>" with failover between trunks.
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
#include "trunk_board.hpp"

namespace junction::sip {

class SipChannelDriver final : public ChannelDriver {
 public:
  /// Runs a command on the sofia thread, later, in the order given (or drops it once stopped).
  using ToSofia = std::function<void(std::function<void(CallSignalling&)>)>;

  SipChannelDriver(CallEngine& engine, LocationService& location, RequestAuthenticator& auth, TrunkBoard& trunks,
                   Logger& logger, Metrics& metrics, ToSofia to_sofia, std::shared_ptr<void> keep_alive);

  /// "selection/number" through trunks (see TrunkBoard::choose): the next trunk is tried when
  /// one fails with 5xx, times out or is unusable; never after busy or any other answer from
  /// the far end.
  void originate_trunk(LegId leg, const OriginateRequest& request);

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
  bool send_digit(LegId leg, char key) override;

  std::size_t legs() const { return legs_.size(); }
  /// The dialog of a leg the engine still knows; nullptr otherwise.
  std::shared_ptr<SipDialog> dialog_of(LegId leg) const;

  /// Whether a failed attempt lets an outbound trunk call go on to the next trunk: a 5xx
  /// (except 501), 408/504, or no answer at all (timeout, transport error).
  static bool worth_another_trunk(const LegEvent& failure);

 private:
  /// Forgets the leg (the engine will not hear of it again) and returns its dialog.
  std::shared_ptr<SipDialog> release(LegId leg);
  /// Where to send requests for `uri` dialled as `number`: the received address of the
  /// matching registration, or "" to go by the URI.
  std::string route_for(const std::string& number, const std::string& uri) const;
  /// Starts the next attempt of a trunk call; false when none is left.
  bool try_next_trunk(LegId leg);
  void on_incoming_from_trunk(const std::shared_ptr<SipDialog>& dialog, const TrunkSettings& trunk,
                              InviteRequest request);

  struct TrunkCall {
    OriginateRequest request;
    std::string number;
    std::vector<const TrunkSettings*> remaining;
    std::string tried;  ///< for the log
  };

  CallEngine& engine_;
  LocationService& location_;
  RequestAuthenticator& auth_;
  TrunkBoard& trunks_;
  Logger& logger_;
  ToSofia to_sofia_;
  std::shared_ptr<void> keep_alive_;  // what the references above live in
  std::unordered_map<LegId, std::shared_ptr<SipDialog>> legs_;
  std::unordered_map<LegId, TrunkCall> trunk_calls_;  // outbound trunk calls that may still fail over
  Counter& calls_accepted_;
  Counter& calls_challenged_;
  Counter& calls_refused_;
};

}  // namespace junction::sip
