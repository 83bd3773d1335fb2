// nta_server: the spike's far end built on sofia's transaction layer (nta).
//   REGISTER -> 200 OK echoing the Contacts with ;expires (no auth, no storage)
//   INVITE   -> 100, 180, 200 OK with the offer's SDP copied as the answer (UAS)
//   ACK      -> absorbed; BYE -> 200 and the dialog leg is destroyed
// One default leg (NTATAG_NO_DIALOG) receives every out-of-dialog request; each INVITE
// gets a dialog leg of its own (local tag, remote target), as a B2BUA built on nta would.
// --stateless-register: no default leg; out-of-dialog requests reach the agent callback as
// plain messages; REGISTER is answered statelessly (nta_msg_treply, no server transaction,
// like Kamailio's registrar + sl), INVITE gets a transaction via nta_incoming_create.
// Usage: nta_server [--host 127.0.0.1] [--port N] [--stateless-register].
// Prints nothing per request.
#define NTA_AGENT_MAGIC_T struct Server
#define NTA_LEG_MAGIC_T struct Server
#define NTA_INCOMING_MAGIC_T struct Server

#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/tport_tag.h>

#include <cinttypes>

#include "common.hpp"

struct Server {
  su_root_t* root = nullptr;
  nta_agent_t* agent = nullptr;
  nta_leg_t* default_leg = nullptr;
  sip_contact_t* contact = nullptr;  // our Contact for dialog-creating responses
  su_home_t home[1];
  bool stateless_register = false;
  uint64_t registers = 0, invites = 0, acks = 0, ack_timeouts = 0, byes = 0, other = 0;
  uint64_t dialogs = 0;  // open dialog legs
};

namespace {

int on_register(Server* s, nta_incoming_t* irq, sip_t const* sip) {
  ++s->registers;
  su_home_t home[1];
  su_home_init(home);
  sip_contact_t* m = spike::register_reply_contacts(home, sip);
  nta_incoming_treply(irq, SIP_200_OK, SIPTAG_CONTACT(m), TAG_END());
  su_home_deinit(home);
  nta_incoming_destroy(irq);
  return 0;
}

// In-dialog requests (ACK, BYE, re-INVITE ...) of one INVITE dialog.
int on_dialog_request(Server* s, nta_leg_t* leg, nta_incoming_t* irq, sip_t const* sip) {
  switch (sip->sip_request->rq_method) {
    case sip_method_ack:
      ++s->acks;
      nta_incoming_destroy(irq);
      return 0;
    case sip_method_bye:
      ++s->byes;
      nta_incoming_treply(irq, SIP_200_OK, TAG_END());
      nta_incoming_destroy(irq);
      nta_leg_destroy(leg);  // leg_recv does not touch the leg after the callback returns
      --s->dialogs;
      return 0;
    default:
      ++s->other;
      return 501;  // nta replies and destroys the transaction
  }
}

// ACK (or CANCEL) matched to the INVITE server transaction, or sip == nullptr when
// timer H fires without an ACK. With NTATAG_UA(1) the ACK of our 2xx ends here, NOT in
// the dialog leg's callback: a B2BUA has to bind this to see (and relay) the ACK.
int on_invite_ack(Server* s, nta_incoming_t* irq, sip_t const* sip) {
  if (sip && sip->sip_request && sip->sip_request->rq_method == sip_method_cancel)
    return 0;  // CANCEL after the final response: nta has answered it, keep waiting for ACK
  if (sip)
    ++s->acks;
  else
    ++s->ack_timeouts;
  nta_incoming_destroy(irq);
  return 0;
}

int on_invite(Server* s, nta_incoming_t* irq, sip_t const* sip) {
  ++s->invites;
  if (sip->sip_to && sip->sip_to->a_tag) {  // re-INVITE for an unknown dialog
    ++s->other;
    return 481;
  }
  // nua sends "100 Trying" on its own; send it here too so both servers put the same
  // messages on the wire (a B2BUA sends it anyway before it forwards the INVITE).
  nta_incoming_treply(irq, SIP_100_TRYING, TAG_END());

  // Dialog leg: local = To, remote = From; nta matches later in-dialog requests (BYE,
  // re-INVITE) to it by Call-ID + tags and routes them to on_dialog_request.
  nta_leg_t* leg = nta_leg_tcreate(s->agent, on_dialog_request, s, SIPTAG_CALL_ID(sip->sip_call_id),
                                   SIPTAG_FROM(sip->sip_to),  // local address
                                   SIPTAG_TO(sip->sip_from),  // remote address (with tag)
                                   TAG_END());
  if (!leg) return 500;
  ++s->dialogs;
  nta_leg_tag(leg, nullptr);  // generate our To tag
  nta_leg_server_route(leg, sip->sip_record_route, sip->sip_contact);
  nta_incoming_tag(irq, nta_leg_get_tag(leg));
  nta_incoming_bind(irq, on_invite_ack, s);

  nta_incoming_treply(irq, SIP_180_RINGING, SIPTAG_CONTACT(s->contact), TAG_END());
  if (sip->sip_payload) {
    nta_incoming_treply(irq, SIP_200_OK, SIPTAG_CONTACT(s->contact), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                        SIPTAG_PAYLOAD(sip->sip_payload), TAG_END());
  } else {
    nta_incoming_treply(irq, SIP_200_OK, SIPTAG_CONTACT(s->contact), TAG_END());
  }
  // NTATAG_UA(1): nta retransmits the 2xx (timer G) until the ACK arrives; the
  // transaction reference is dropped in on_invite_ack.
  return 0;
}

// Default leg: everything that does not match a dialog leg.
int on_request(Server* s, nta_leg_t*, nta_incoming_t* irq, sip_t const* sip) {
  switch (sip->sip_request->rq_method) {
    case sip_method_register:
      return on_register(s, irq, sip);
    case sip_method_invite:
      return on_invite(s, irq, sip);
    case sip_method_ack:  // ACK of an unknown dialog (or of a 2xx we already forgot)
      ++s->acks;
      nta_incoming_destroy(irq);
      return 0;
    case sip_method_bye:
      ++s->other;
      return 481;
    case sip_method_options:
      ++s->other;
      return 200;
    default:
      ++s->other;
      return 501;
  }
}

// Messages without a transaction: stray responses, and with --stateless-register every
// request that matches neither a transaction nor a dialog leg.
int on_message(Server* s, nta_agent_t* agent, msg_t* msg, sip_t* sip) {
  if (!s->stateless_register || !sip || !sip->sip_request) {
    msg_destroy(msg);
    return 0;
  }
  switch (sip->sip_request->rq_method) {
    case sip_method_register: {
      ++s->registers;
      su_home_t home[1];
      su_home_init(home);
      sip_contact_t* m = spike::register_reply_contacts(home, sip);
      nta_msg_treply(agent, msg, SIP_200_OK, SIPTAG_CONTACT(m), TAG_END());  // takes msg
      su_home_deinit(home);
      return 0;
    }
    case sip_method_invite: {
      // nta_incoming_create takes over msg, also when it fails (sofia-sip 1.12.11).
      nta_incoming_t* irq = nta_incoming_create(agent, nullptr, msg, sip, TAG_END());
      if (!irq) return 0;
      int status = on_invite(s, irq, sip);
      if (status) {
        nta_incoming_treply(irq, status, nullptr, TAG_END());
        nta_incoming_destroy(irq);
      }
      return 0;
    }
    case sip_method_ack:
      ++s->acks;
      msg_destroy(msg);
      return 0;
    case sip_method_bye:
      ++s->other;
      nta_msg_treply(agent, msg, 481, "Call Does Not Exist", TAG_END());
      return 0;
    case sip_method_options:
      ++s->other;
      nta_msg_treply(agent, msg, SIP_200_OK, TAG_END());
      return 0;
    default:
      ++s->other;
      nta_msg_treply(agent, msg, SIP_501_NOT_IMPLEMENTED, TAG_END());
      return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool stateless_register = false;
  {  // strip our own flag before the common parser sees it
    int j = 1;
    for (int i = 1; i < argc; ++i) {
      if (std::strcmp(argv[i], "--stateless-register") == 0)
        stateless_register = true;
      else
        argv[j++] = argv[i];
    }
    argc = j;
  }
  auto opt = spike::parse_args(argc, argv, "nta_server [--stateless-register]");
  spike::install_signals();
  su_init();
  Server s;
  s.stateless_register = stateless_register;
  su_home_init(s.home);
  s.root = su_root_create(&s);
  if (!s.root) {
    std::fprintf(stderr, "su_root_create failed\n");
    return 1;
  }
  su_root_threading(s.root, 0);

  std::string url = "sip:" + opt.host + ":" + std::to_string(opt.port) + ";transport=udp";
  s.agent = nta_agent_create(s.root, URL_STRING_MAKE(url.c_str()), on_message, &s,
                             NTATAG_UA(1),            // UAS: 2xx retransmission + ACK matching
                             NTATAG_SERVER_RPORT(1),  // answer to the source port (rport)
                             TPTAG_UDP_RMEM(spike::kUdpBuf), TPTAG_UDP_WMEM(spike::kUdpBuf), TAG_END());
  if (!s.agent) {
    std::fprintf(stderr, "nta_agent_create(%s) failed\n", url.c_str());
    return 1;
  }
  if (!s.stateless_register) {
    s.default_leg = nta_leg_tcreate(s.agent, on_request, &s, NTATAG_NO_DIALOG(1), TAG_END());
    if (!s.default_leg) {
      std::fprintf(stderr, "nta_leg_tcreate(default) failed\n");
      return 1;
    }
  }
  std::string contact = "<sip:" + opt.host + ":" + std::to_string(opt.port) + ">";
  s.contact = sip_contact_make(s.home, contact.c_str());

  std::fprintf(stderr, "nta_server listening on %s pid %d%s\n", url.c_str(), getpid(),
               s.stateless_register ? " (stateless REGISTER)" : "");
  spike::run_until_signal(s.root);

  std::fprintf(stderr,
               "nta_server: REGISTER %" PRIu64 " INVITE %" PRIu64 " ACK %" PRIu64 " (timeouts %" PRIu64 ") BYE %" PRIu64
               " other %" PRIu64 " open dialogs %" PRIu64 "\n",
               s.registers, s.invites, s.acks, s.ack_timeouts, s.byes, s.other, s.dialogs);
  if (s.default_leg) nta_leg_destroy(s.default_leg);
  nta_agent_destroy(s.agent);
  su_root_destroy(s.root);
  su_home_deinit(s.home);
  su_deinit();
  return 0;
}
