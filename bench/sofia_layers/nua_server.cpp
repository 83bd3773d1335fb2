// nua_server: the same far end as nta_server, built on sofia's user agent layer (nua).
//   REGISTER -> nua_i_register (NUTAG_ALLOW + NUTAG_APPL_METHOD) -> 200 OK echoing the
//               Contacts with ;expires, then the per-request handle is destroyed
//   INVITE   -> nua_i_invite -> 180, 200 OK with the offer's SDP copied as the answer
//               (NUTAG_MEDIA_ENABLE(0): no soa/offer-answer engine, SDP is passed through)
//   ACK      -> nua_i_ack; BYE -> nua answers 200 itself (nua_i_bye), the handle is
//               destroyed when the call state reaches terminated
// Usage: nua_server [--host 127.0.0.1] [--port N]. Prints nothing per request.
#define NUA_MAGIC_T struct Server
#define NUA_HMAGIC_T void

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/tport_tag.h>

#include <cinttypes>

#include "common.hpp"

struct Server {
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  bool shutdown_done = false;
  uint64_t registers = 0, invites = 0, acks = 0, byes = 0, terminated = 0, other = 0;
};

namespace {

void on_event(nua_event_t event, int status, char const* /*phrase*/, nua_t* nua, Server* s, nua_handle_t* nh,
              void* /*hmagic*/, sip_t const* sip, tagi_t tags[]) {
  switch (event) {
    case nua_i_register: {
      ++s->registers;
      su_home_t home[1];
      su_home_init(home);
      sip_contact_t* m = sip ? spike::register_reply_contacts(home, sip) : nullptr;
      // A response to REGISTER needs NUTAG_WITH*: the request is bound to the event.
      nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), SIPTAG_CONTACT(m), TAG_END());
      su_home_deinit(home);
      nua_handle_destroy(nh);  // REGISTER creates a fresh handle per request
      break;
    }
    case nua_i_invite:
      ++s->invites;
      nua_respond(nh, SIP_180_RINGING, NUTAG_WITH_THIS(nua), TAG_END());
      if (sip && sip->sip_payload) {
        nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                    SIPTAG_PAYLOAD(sip->sip_payload), TAG_END());
      } else {
        nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua), TAG_END());
      }
      break;
    case nua_i_ack:
      ++s->acks;
      break;
    case nua_i_bye:
      ++s->byes;
      break;  // nua has answered 200 already
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state == nua_callstate_terminated && nh) {
        ++s->terminated;
        nua_handle_destroy(nh);  // incoming call handles belong to the application
      }
      break;
    }
    case nua_r_shutdown:
      if (status >= 200) s->shutdown_done = true;
      break;
    default:
      if (event >= nua_i_error && event < nua_r_set_params && event != nua_i_active && event != nua_i_terminated)
        ++s->other;
      break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto opt = spike::parse_args(argc, argv, "nua_server");
  spike::install_signals();
  su_init();
  Server s;
  s.root = su_root_create(&s);
  if (!s.root) {
    std::fprintf(stderr, "su_root_create failed\n");
    return 1;
  }
  su_root_threading(s.root, 0);  // before nua_create, or nua starts a hidden stack thread

  std::string url = "sip:" + opt.host + ":" + std::to_string(opt.port) + ";transport=udp";
  s.nua = nua_create(s.root, on_event, &s, NUTAG_URL(url.c_str()),
                     NUTAG_MEDIA_ENABLE(0),  // no soa: SDP is the application's business
                     NUTAG_ALLOW("REGISTER"),
                     NUTAG_APPL_METHOD("REGISTER"),  // REGISTER -> nua_i_register
                     NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0), NTATAG_SERVER_RPORT(1), TPTAG_UDP_RMEM(spike::kUdpBuf),
                     TPTAG_UDP_WMEM(spike::kUdpBuf), TAG_END());
  if (!s.nua) {
    std::fprintf(stderr, "nua_create(%s) failed\n", url.c_str());
    return 1;
  }

  std::fprintf(stderr, "nua_server listening on %s pid %d\n", url.c_str(), getpid());
  spike::run_until_signal(s.root);

  nua_shutdown(s.nua);
  for (int i = 0; i < 100 && !s.shutdown_done; ++i) su_root_step(s.root, 100);
  std::fprintf(stderr,
               "nua_server: REGISTER %" PRIu64 " INVITE %" PRIu64 " ACK %" PRIu64 " BYE %" PRIu64 " terminated %" PRIu64
               " other %" PRIu64 "%s\n",
               s.registers, s.invites, s.acks, s.byes, s.terminated, s.other,
               s.shutdown_done ? "" : " (shutdown timed out)");
  nua_destroy(s.nua);
  su_root_destroy(s.root);
  su_deinit();
  return 0;
}
