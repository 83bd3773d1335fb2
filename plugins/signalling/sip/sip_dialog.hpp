// One SIP dialog (or attempt at one) behind a call leg. Shared between the two threads by
// shared_ptr, but each field belongs to exactly one of them: the call loop keeps the leg id
// and what the driver needs to answer synchronously; the sofia thread keeps the nta handles.
#pragma once

#include <memory>
#include <string>

#include "junction/call.hpp"
#include "sofia_timer.hpp"

struct nta_leg_s;
struct nta_incoming_s;
struct nta_outgoing_s;
struct auth_client_s;
struct su_home_s;

namespace junction::sip {

class CallSignalling;
struct OutboundInvite;

struct SipDialog {
  // ---- call loop only ----
  LegId leg = 0;               ///< 0 until the engine knows the leg (and after it forgot it)
  bool established = false;    ///< answered: new offers may be sent
  bool offer_pending = false;  ///< our re-INVITE waits for its answer

  // ---- sofia thread only ----
  enum class Phase {
    early,      ///< no final response yet
    answered,   ///< inbound: 200 sent, waiting for the ACK
    confirmed,  ///< the dialog is up
    ending,     ///< BYE or CANCEL sent, waiting for the far end
    ended,
  };
  CallSignalling* owner = nullptr;
  bool inbound = false;
  Phase phase = Phase::early;
  bool cancelled = false;                          ///< outbound: CANCEL sent; a racing 200 is ended with BYE
  int bye_cause = 0;                               ///< inbound: hang up once our 200 is ACKed (RFC 3261 15)
  nta_leg_s* handle = nullptr;                     ///< the nta dialog
  nta_incoming_s* invite = nullptr;                ///< inbound INVITE, until its ACK (2xx) or its final (others)
  nta_outgoing_s* request = nullptr;               ///< outbound INVITE, until its final
  nta_incoming_s* offer_in = nullptr;              ///< the far end's re-INVITE, waiting for our answer
  nta_outgoing_s* offer_out = nullptr;             ///< our re-INVITE
  SessionDescription offer_after_ack;              ///< our re-INVITE, waiting for the ACK of our 200
  nta_outgoing_s* bye = nullptr;                   ///< our BYE
  std::string route;                               ///< next hop of requests we send ("" = by the Request-URI)
  std::string contact;                             ///< our Contact in this dialog
  std::string domain;                              ///< inbound: the host the caller addressed (for redirects)
  SessionDescription offer;                        ///< inbound: the caller's offer
  std::shared_ptr<const OutboundInvite> outbound;  ///< outbound: what was asked, to re-send
  bool responded = false;                          ///< outbound: any response arrived (100 included)
  std::unique_ptr<SofiaTimer> answer_timer;
  auth_client_s* auth = nullptr;  ///< outbound: digest state, in `home`
  su_home_s* home = nullptr;
  int auth_attempts = 0;
};

}  // namespace junction::sip
