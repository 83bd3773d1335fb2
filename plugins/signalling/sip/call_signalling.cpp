#define NTA_LEG_MAGIC_T junction::sip::SipDialog
#define NTA_INCOMING_MAGIC_T junction::sip::SipDialog
#define NTA_OUTGOING_MAGIC_T junction::sip::SipDialog
namespace junction::sip {
struct SipDialog;
}

#include "call_signalling.hpp"

#include <sofia-sip/auth_client.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>

#include "cause_mapping.hpp"
#include "info_dtmf.hpp"
#include "junction/cause.hpp"
#include "session_answer.hpp"
#include "sip_messages.hpp"

namespace junction::sip {

namespace {

// nta hands back (nta_outgoing_t*)-1 for requests it sent but does not track (callback-less
// ACK and CANCEL); only real handles may be destroyed.
void destroy_untracked(nta_outgoing_t* orq) {
  if (orq && orq != reinterpret_cast<nta_outgoing_t*>(-1)) nta_outgoing_destroy(orq);
}

const sip_t* as_sip(const void* sip) { return static_cast<const sip_t*>(sip); }

int status_of(nta_outgoing_t* orq, const sip_t* sip) {
  return sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
}

std::string reason_header(int c) { return "Reason: Q.850;cause=" + std::to_string(c); }

bool is_wildcard(const std::string& address) { return address == "0.0.0.0" || address == "::"; }

std::string host_for_uri(const std::string& host) {
  return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

// Trampolines: sofia calls C functions with the dialog as magic.
int server_transaction_callback(SipDialog* dialog, nta_incoming_t* irq, const sip_t* sip) {
  return dialog->owner->on_server_transaction(*dialog, irq, sip);
}
int dialog_request_callback(SipDialog* dialog, nta_leg_t*, nta_incoming_t* irq, const sip_t* sip) {
  return dialog->owner->on_dialog_request(*dialog, irq, sip);
}
int invite_response_callback(SipDialog* dialog, nta_outgoing_t* orq, const sip_t* sip) {
  return dialog->owner->on_invite_response(*dialog, orq, sip);
}
int offer_response_callback(SipDialog* dialog, nta_outgoing_t* orq, const sip_t* sip) {
  return dialog->owner->on_offer_response(*dialog, orq, sip);
}
int bye_response_callback(SipDialog* dialog, nta_outgoing_t* orq, const sip_t* sip) {
  return dialog->owner->on_bye_response(*dialog, orq, sip);
}

}  // namespace

CallSignalling::CallSignalling(su_root_t* root, nta_agent_t* agent, std::vector<ListenAddress> listen, Events events)
    : root_(root), agent_(agent), listen_(std::move(listen)), events_(std::move(events)) {}

CallSignalling::~CallSignalling() {
  std::vector<SipDialog*> dialogs;
  for (const auto& [raw, owned] : live_) dialogs.push_back(raw);
  for (SipDialog* dialog : dialogs) end(*dialog);
}

std::shared_ptr<SipDialog> CallSignalling::adopt(std::shared_ptr<SipDialog> dialog) {
  dialog->owner = this;
  live_.emplace(dialog.get(), dialog);
  return dialog;
}

std::shared_ptr<SipDialog> CallSignalling::live(SipDialog& dialog) const {
  auto it = live_.find(&dialog);
  return it == live_.end() ? nullptr : it->second;
}

void CallSignalling::post(SipDialog& dialog, LegEvent event) {
  if (auto owned = live(dialog)) events_.event(owned, std::move(event));
}

std::string CallSignalling::contact_for(const std::string& transport, const std::string& request_host,
                                        const std::string& user) const {
  const ListenAddress* chosen = nullptr;
  for (const ListenAddress& listen : listen_)
    if (listen.transport == transport) chosen = chosen ? chosen : &listen;
  if (!chosen && !listen_.empty()) chosen = &listen_.front();
  std::string host = chosen ? chosen->address : "127.0.0.1";
  if (is_wildcard(host)) {
    // Bound to every address: the one the caller used, else the agent's own idea.
    host = request_host;
    const sip_contact_t* own = nta_agent_contact(agent_);
    if (host.empty() && own && own->m_url->url_host) host = own->m_url->url_host;
  }
  const std::string scheme = chosen && chosen->transport == "tls" ? "sips:" : "sip:";
  std::string contact = "<" + scheme + user + "@" + host_for_uri(host);
  if (chosen) contact += ":" + std::to_string(chosen->port);
  if (chosen && chosen->transport == "tcp") contact += ";transport=tcp";
  return contact + ">";
}

// ---- inbound calls -------------------------------------------------------------------------

void CallSignalling::on_invite(msg_t* msg, const void* parsed, const MessageSource& source) {
  const sip_t* sip = as_sip(parsed);
  if (sip->sip_to && sip->sip_to->a_tag) {
    // In-dialog by its To tag, yet no dialog took it: the call is gone (or never was).
    nta_msg_treply(agent_, msg, SIP_481_NO_TRANSACTION, TAG_END());
    return;
  }
  if (!sip->sip_from || !sip->sip_call_id || !sip->sip_cseq || !sip->sip_request->rq_url->url_host) {
    nta_msg_treply(agent_, msg, SIP_400_BAD_REQUEST, TAG_END());
    return;
  }
  if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0) {
    nta_msg_treply(agent_, msg, SIP_483_TOO_MANY_HOPS, TAG_END());  // a loop, or a path too long
    return;
  }
  if (sip->sip_require && sip->sip_require->k_items && sip->sip_require->k_items[0]) {
    // We support no extension a caller could require (100rel, timer ...): RFC 3261 8.2.2.3.
    std::string unsupported;
    for (msg_param_t const* item = sip->sip_require->k_items; *item; ++item)
      unsupported += (unsupported.empty() ? "" : ", ") + std::string(*item);
    nta_msg_treply(agent_, msg, SIP_420_BAD_EXTENSION, SIPTAG_UNSUPPORTED_STR(unsupported.c_str()), TAG_END());
    return;
  }
  if (!sip->sip_payload || sip->sip_payload->pl_len == 0) {
    // Media bypass relays the caller's offer; an INVITE without one (late offer) would need
    // the answer to wait for the caller's ACK. Refused clearly rather than half supported.
    nta_msg_treply(agent_, msg, SIP_488_NOT_ACCEPTABLE,
                   SIPTAG_WARNING_STR("399 junction \"INVITE without SDP offer is not supported\""), TAG_END());
    return;
  }
  InviteRequest request = to_invite_request(sip, source);
  auto dialog = std::make_shared<SipDialog>();
  dialog->inbound = true;
  dialog->offer = request.offer;
  dialog->domain = host_for_uri(sip->sip_request->rq_url->url_host);
  const std::string transport = source.transport_address.substr(0, source.transport_address.find(':'));
  dialog->contact = contact_for(transport, sip->sip_request->rq_url->url_host);
  dialog->route = nat_route(request.received, request.contact);  // BYE and re-INVITE reach NATed callers

  nta_incoming_t* irq = nta_incoming_create(agent_, nullptr, msg, const_cast<sip_t*>(sip), TAG_END());
  if (!irq) return;  // nta_incoming_create has consumed msg even so
  adopt(dialog);
  dialog->invite = irq;
  nta_incoming_bind(irq, server_transaction_callback, dialog.get());
  dialog->handle = nta_leg_tcreate(agent_, dialog_request_callback, dialog.get(), SIPTAG_CALL_ID(sip->sip_call_id),
                                   SIPTAG_FROM(sip->sip_to), SIPTAG_TO(sip->sip_from),
                                   NTATAG_REMOTE_CSEQ(sip->sip_cseq->cs_seq), TAG_END());
  if (!dialog->handle || !nta_leg_tag(dialog->handle, nullptr)) {
    nta_incoming_treply(irq, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
    end(*dialog);
    return;
  }
  nta_leg_server_route(dialog->handle, sip->sip_record_route, sip->sip_contact);
  nta_incoming_tag(irq, nta_leg_get_tag(dialog->handle));
  events_.incoming(dialog, std::move(request));
}

void CallSignalling::refuse(const std::shared_ptr<SipDialog>& dialog, int status, const std::string& reason,
                            const std::string& headers) {
  if (!live(*dialog) || !dialog->invite || dialog->phase != SipDialog::Phase::early) return;
  nta_incoming_treply(dialog->invite, status, reason.c_str(),
                      TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
  end(*dialog);
}

void CallSignalling::alert(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& early_media) {
  if (!live(*dialog) || !dialog->invite || dialog->phase != SipDialog::Phase::early) return;
  if (early_media.empty()) {
    nta_incoming_treply(dialog->invite, SIP_180_RINGING, SIPTAG_CONTACT_STR(dialog->contact.c_str()), TAG_END());
  } else {
    nta_incoming_treply(dialog->invite, SIP_183_SESSION_PROGRESS, SIPTAG_CONTACT_STR(dialog->contact.c_str()),
                        SIPTAG_CONTENT_TYPE_STR(early_media.content_type.c_str()),
                        SIPTAG_PAYLOAD_STR(early_media.body.c_str()), TAG_END());
  }
}

void CallSignalling::answer(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& session) {
  if (!live(*dialog) || !dialog->invite || dialog->phase != SipDialog::Phase::early) return;
  // Nobody supplied media (no media engine anchors the call yet): answer declining every stream.
  const std::string body = session.empty() ? decline_all_media(dialog->offer.body) : session.body;
  const std::string type = session.empty() ? "application/sdp" : session.content_type;
  nta_incoming_treply(dialog->invite, SIP_200_OK, SIPTAG_CONTACT_STR(dialog->contact.c_str()),
                      TAG_IF(!body.empty(), SIPTAG_CONTENT_TYPE_STR(type.c_str())),
                      TAG_IF(!body.empty(), SIPTAG_PAYLOAD_STR(body.c_str())), TAG_END());
  dialog->phase = SipDialog::Phase::answered;  // the INVITE transaction stays for the ACK
  post(*dialog, LegEvent::answered());
}

void CallSignalling::reject(const std::shared_ptr<SipDialog>& dialog, int cause) {
  if (!live(*dialog)) return;
  if (!dialog->inbound || !dialog->invite || dialog->phase != SipDialog::Phase::early) return hangup(dialog, cause);
  const SipStatus status = status_for_cause(cause);
  const std::string reason = reason_header(cause);
  nta_incoming_treply(dialog->invite, status.code, status.phrase, SIPTAG_HEADER_STR(reason.c_str()), TAG_END());
  end(*dialog);
}

void CallSignalling::redirect(const std::shared_ptr<SipDialog>& dialog, const std::string& destination) {
  if (!live(*dialog) || !dialog->invite || dialog->phase != SipDialog::Phase::early) return;
  const std::string uri =
      destination.find(':') != std::string::npos ? destination : "sip:" + destination + "@" + dialog->domain;
  const std::string contact = "<" + uri + ">";
  nta_incoming_treply(dialog->invite, SIP_302_MOVED_TEMPORARILY, SIPTAG_CONTACT_STR(contact.c_str()), TAG_END());
  end(*dialog);
}

void CallSignalling::hangup(const std::shared_ptr<SipDialog>& dialog, int cause) {
  if (!live(*dialog) || dialog->phase == SipDialog::Phase::ending) return;
  if (dialog->phase == SipDialog::Phase::early) {
    if (dialog->inbound) return reject(dialog, cause);
    if (dialog->request) {
      // Not answered yet: CANCEL, then wait for the INVITE's final response (487, or a 200
      // that crossed the CANCEL and is ended with a BYE).
      dialog->cancelled = true;
      dialog->phase = SipDialog::Phase::ending;
      const std::string reason = reason_header(cause);
      destroy_untracked(
          nta_outgoing_tcancel(dialog->request, nullptr, nullptr, SIPTAG_HEADER_STR(reason.c_str()), TAG_END()));
      return;
    }
  }
  send_bye(*dialog, cause);
}

// ---- outbound calls ------------------------------------------------------------------------

void CallSignalling::originate(const std::shared_ptr<SipDialog>& dialog, const OutboundInvite& invite) {
  adopt(dialog);
  dialog->outbound = std::make_shared<const OutboundInvite>(invite);
  dialog->route = invite.route;
  const bool tcp = invite.route.find("transport=tcp") != std::string::npos ||
                   invite.request_uri.find("transport=tcp") != std::string::npos;
  dialog->contact = contact_for(tcp ? "tcp" : "udp", "");
  const std::string call_id = random_call_id();
  dialog->handle = nta_leg_tcreate(agent_, dialog_request_callback, dialog.get(), SIPTAG_FROM_STR(invite.from.c_str()),
                                   SIPTAG_TO_STR(invite.to.c_str()), SIPTAG_CALL_ID_STR(call_id.c_str()), TAG_END());
  if (dialog->handle) nta_leg_tag(dialog->handle, nullptr);
  if (!dialog->handle || !send_invite(*dialog, nullptr)) {
    post(*dialog, LegEvent::hung_up(cause::temporary_failure, "cannot send INVITE to " + invite.request_uri));
    end(*dialog);
    return;
  }
  if (invite.answer_timeout.count() > 0) {
    dialog->answer_timer = std::make_unique<SofiaTimer>(root_);
    SipDialog* raw = dialog.get();
    dialog->answer_timer->set(invite.answer_timeout, [this, raw] {
      if (!live(*raw) || raw->responded) return;
      // Nothing answered, not even 100 Trying: the far end is not there. Without a provisional
      // response no CANCEL may be sent; the transaction is simply dropped.
      const bool cancelled = raw->cancelled;
      if (!cancelled) post(*raw, LegEvent::hung_up(cause::recovery_on_timer_expiry, "no response to INVITE"));
      end(*raw);
    });
  }
}

bool CallSignalling::send_invite(SipDialog& dialog, const void* challenge) {
  const OutboundInvite& invite = *dialog.outbound;
  msg_header_t* credentials = nullptr;
  if (challenge) {
    // Answer the 401/407 with the configured credentials (sofia's digest client, MD5).
    const sip_t* sip = as_sip(challenge);
    if (!dialog.home) dialog.home = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
    const bool proxy = sip->sip_status->st_status == 407;
    const msg_auth_t* offered = proxy ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
    url_t* url = dialog.home ? url_make(dialog.home, invite.request_uri.c_str()) : nullptr;
    if (!dialog.home || !offered || !url ||
        auc_challenge(&dialog.auth, dialog.home, offered,
                      proxy ? sip_proxy_authorization_class : sip_authorization_class) < 1 ||
        auc_all_credentials(&dialog.auth, "Digest", nullptr, invite.auth_user.c_str(), invite.auth_password.c_str()) <
            1 ||
        auc_authorization_headers(&dialog.auth, dialog.home, "INVITE", url, nullptr, &credentials) < 1)
      return false;
  }
  const std::string max_forwards = std::to_string(invite.max_forwards);
  dialog.request = nta_outgoing_tcreate(
      dialog.handle, invite_response_callback, &dialog,
      invite.route.empty() ? nullptr : URL_STRING_MAKE(invite.route.c_str()), SIP_METHOD_INVITE,
      URL_STRING_MAKE(invite.request_uri.c_str()), SIPTAG_CONTACT_STR(dialog.contact.c_str()),
      SIPTAG_MAX_FORWARDS_STR(max_forwards.c_str()), NTATAG_PASS_100(1),  // 100 Trying counts as an answer
      TAG_IF(credentials, SIPTAG_HEADER(reinterpret_cast<const sip_header_t*>(credentials))),
      TAG_IF(!invite.offer.empty(), SIPTAG_CONTENT_TYPE_STR(invite.offer.content_type.c_str())),
      TAG_IF(!invite.offer.empty(), SIPTAG_PAYLOAD_STR(invite.offer.body.c_str())), TAG_END());
  return dialog.request != nullptr;
}

void CallSignalling::acknowledge(SipDialog& dialog, const void* response) {
  const sip_t* sip = as_sip(response);
  destroy_untracked(nta_outgoing_tcreate(dialog.handle, nullptr, nullptr,
                                         dialog.route.empty() ? nullptr : URL_STRING_MAKE(dialog.route.c_str()),
                                         SIP_METHOD_ACK, nullptr, SIPTAG_CSEQ(sip->sip_cseq), TAG_END()));
}

int CallSignalling::on_invite_response(SipDialog& dialog, nta_outgoing_t* orq, const void* response) {
  const sip_t* sip = as_sip(response);
  const int status = status_of(orq, sip);
  if (sip && !nta_sip_is_internal(sip)) dialog.responded = true;
  if (status < 200) {
    if (status > 100 && !dialog.cancelled) {
      SessionDescription early = sip ? body_of(sip) : SessionDescription{};
      post(dialog, status == 180 ? LegEvent::ringing(std::move(early)) : LegEvent::progress(std::move(early)));
    }
    return 0;
  }
  if (status < 300) {
    // The remote tag and target are taken from the 2xx only: an early dialog of another fork
    // must not pin the leg to a tag that did not answer.
    if (sip && sip->sip_to && sip->sip_to->a_tag) nta_leg_rtag(dialog.handle, sip->sip_to->a_tag);
    if (sip) nta_leg_client_reroute(dialog.handle, sip->sip_record_route, sip->sip_contact, 1);
    if (sip) acknowledge(dialog, sip);
    nta_outgoing_destroy(orq);
    dialog.request = nullptr;
    if (dialog.cancelled) {
      send_bye(dialog, cause::originator_cancel);  // answered after we gave up on it
      return 0;
    }
    dialog.phase = SipDialog::Phase::confirmed;
    post(dialog, LegEvent::answered(sip ? body_of(sip) : SessionDescription{}));
    return 0;
  }
  nta_outgoing_destroy(orq);
  dialog.request = nullptr;
  const bool challenged = (status == 401 || status == 407) && sip;
  if (challenged && !dialog.cancelled && !dialog.outbound->auth_user.empty() && dialog.auth_attempts++ == 0) {
    if (send_invite(dialog, sip)) return 0;  // the same dialog, the next CSeq, with credentials
  }
  if (!dialog.cancelled) {
    const char* phrase = sip && sip->sip_status ? sip->sip_status->st_phrase : "";
    LegEvent failed = LegEvent::hung_up(cause_for_status(status), "SIP " + std::to_string(status) + " " + phrase);
    // nta's own 408/503 (timeout, transport error) are no answer from the far end.
    if (sip && !nta_sip_is_internal(sip)) failed.protocol_status = status;
    post(dialog, std::move(failed));
  }
  end(dialog);
  return 0;
}

// ---- established dialogs -------------------------------------------------------------------

int CallSignalling::on_server_transaction(SipDialog& dialog, nta_incoming_t* irq, const void* request) {
  const sip_t* sip = as_sip(request);
  if (!sip) {
    // Timer H: our 2xx was never ACKed (or a final could not be sent).
    dialog.invite = nullptr;
    nta_incoming_destroy(irq);
    const bool answered = dialog.phase == SipDialog::Phase::answered;
    if (!dialog.bye_cause)  // else the engine has already let go of the leg
      post(dialog, LegEvent::hung_up(cause::recovery_on_timer_expiry, answered ? "no ACK for 200" : "no response"));
    dialog.phase = SipDialog::Phase::confirmed;  // no ACK is coming any more
    if (answered) {
      send_bye(dialog, cause::recovery_on_timer_expiry);
    } else {
      end(dialog);
    }
    return 0;
  }
  switch (sip->sip_request ? sip->sip_request->rq_method : sip_method_unknown) {
    case sip_method_cancel:
      // nta has answered the CANCEL with 200; the INVITE gets its 487 before the dialog goes.
      nta_incoming_treply(irq, SIP_487_REQUEST_TERMINATED, TAG_END());
      post(dialog, LegEvent::hung_up(cause::originator_cancel, "CANCEL"));
      end(dialog);
      return 0;
    case sip_method_ack:
      dialog.invite = nullptr;
      nta_incoming_destroy(irq);
      if (dialog.phase == SipDialog::Phase::answered) dialog.phase = SipDialog::Phase::confirmed;
      if (dialog.bye_cause) {
        send_bye(dialog, dialog.bye_cause);  // a hang-up waited for this ACK
      } else if (!dialog.offer_after_ack.empty() && dialog.phase == SipDialog::Phase::confirmed) {
        send_offer(dialog, std::exchange(dialog.offer_after_ack, {}));  // so did an offer
      }
      return 0;
    default:
      return 0;
  }
}

int CallSignalling::on_dialog_request(SipDialog& dialog, nta_incoming_t* irq, const void* request) {
  const sip_t* sip = as_sip(request);
  switch (sip->sip_request->rq_method) {
    case sip_method_ack:
      return 200;  // an ACK for a re-INVITE's answer: nothing to do
    case sip_method_bye:
      if (dialog.phase != SipDialog::Phase::ending) post(dialog, LegEvent::hung_up(cause::normal_clearing, "BYE"));
      // A caller may end an early dialog with BYE (RFC 3261 15): its INVITE then gets 487.
      if (dialog.invite && dialog.phase == SipDialog::Phase::early)
        nta_incoming_treply(dialog.invite, SIP_487_REQUEST_TERMINATED, TAG_END());
      end(dialog);
      return 200;
    case sip_method_invite: {
      const bool busy = dialog.phase != SipDialog::Phase::confirmed || dialog.offer_in || dialog.offer_out ||
                        dialog.invite || dialog.request;
      if (busy) return 491;  // Request Pending: an offer is already on its way
      SessionDescription offer = body_of(sip);
      if (offer.empty()) return 488;  // an offer-less re-INVITE would need our own offer
      // A re-INVITE is a target refresh (RFC 3261 12.2.2): later requests go to its Contact.
      if (sip->sip_contact) nta_leg_server_route(dialog.handle, nullptr, sip->sip_contact);
      dialog.offer_in = irq;
      post(dialog, LegEvent::session_offer(std::move(offer)));
      return 0;
    }
    case sip_method_info: {
      const SessionDescription body = body_of(sip);
      const InfoDtmfResult dtmf = dtmf_of_info(body.content_type, body.body);
      if (dtmf.kind == InfoDtmf::malformed) return 400;
      if (dtmf.kind == InfoDtmf::key) post(dialog, LegEvent::dtmf(dtmf.key));
      return 200;  // other INFO (no Info-Package, RFC 6086 legacy use) is accepted and ignored
    }
    case sip_method_options:
      return 200;
    default:
      return 501;
  }
}

void CallSignalling::update_session(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& offer) {
  if (!live(*dialog)) return;
  const bool awaiting_ack = dialog->phase == SipDialog::Phase::answered && dialog->offer_after_ack.empty();
  if (awaiting_ack && !dialog->offer_in) {
    // Our 200 is not ACKed yet: a re-INVITE now could overtake it (RFC 3261 14.1). Send it
    // once the ACK is in.
    dialog->offer_after_ack = offer;
    return;
  }
  if (dialog->phase != SipDialog::Phase::confirmed || dialog->offer_out || dialog->offer_in) {
    post(*dialog, LegEvent::session_answer({}, cause::temporary_failure));
    return;
  }
  send_offer(*dialog, offer);
}

void CallSignalling::send_offer(SipDialog& dialog, const SessionDescription& offer) {
  dialog.offer_out = nta_outgoing_tcreate(dialog.handle, offer_response_callback, &dialog,
                                          dialog.route.empty() ? nullptr : URL_STRING_MAKE(dialog.route.c_str()),
                                          SIP_METHOD_INVITE, nullptr, SIPTAG_CONTACT_STR(dialog.contact.c_str()),
                                          SIPTAG_CONTENT_TYPE_STR(offer.content_type.c_str()),
                                          SIPTAG_PAYLOAD_STR(offer.body.c_str()), TAG_END());
  if (!dialog.offer_out) post(dialog, LegEvent::session_answer({}, cause::temporary_failure));
}

int CallSignalling::on_offer_response(SipDialog& dialog, nta_outgoing_t* orq, const void* response) {
  const sip_t* sip = as_sip(response);
  const int status = status_of(orq, sip);
  if (status < 200) return 0;
  if (status < 300 && sip) {
    acknowledge(dialog, sip);
    if (sip->sip_contact) nta_leg_client_reroute(dialog.handle, nullptr, sip->sip_contact, 0);
  }
  nta_outgoing_destroy(orq);
  dialog.offer_out = nullptr;
  if (status < 300) {
    post(dialog, LegEvent::session_answer(sip ? body_of(sip) : SessionDescription{}));
    return 0;
  }
  post(dialog, LegEvent::session_answer({}, cause_for_status(status)));
  if (status == 481 || status == 408) {
    // RFC 3261 14.1: the dialog is gone (or unreachable); end the leg.
    post(dialog, LegEvent::hung_up(cause_for_status(status), "re-INVITE got " + std::to_string(status)));
    send_bye(dialog, cause::recovery_on_timer_expiry);
  }
  return 0;
}

void CallSignalling::answer_session(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& answer,
                                    int cause) {
  if (!live(*dialog) || !dialog->offer_in) return;
  if (answer.empty()) {
    const SipStatus status = cause ? status_for_cause(cause) : SipStatus{488, "Not Acceptable Here"};
    nta_incoming_treply(dialog->offer_in, status.code, status.phrase, TAG_END());
  } else {
    nta_incoming_treply(dialog->offer_in, SIP_200_OK, SIPTAG_CONTACT_STR(dialog->contact.c_str()),
                        SIPTAG_CONTENT_TYPE_STR(answer.content_type.c_str()), SIPTAG_PAYLOAD_STR(answer.body.c_str()),
                        TAG_END());
  }
  // nta keeps retransmitting the answer and absorbs the ACK after this.
  nta_incoming_destroy(std::exchange(dialog->offer_in, nullptr));
}

void CallSignalling::send_digit(const std::shared_ptr<SipDialog>& dialog, char key) {
  if (!live(*dialog) || !dialog->handle || dialog->phase == SipDialog::Phase::ending) return;
  const std::string body = info_dtmf_body(key);
  nta_outgoing_t* info = nta_outgoing_tcreate(
      dialog->handle,
      [](nta_outgoing_magic_t*, nta_outgoing_t* orq, const sip_t* sip) -> int {
        if (!sip || !sip->sip_status || sip->sip_status->st_status >= 200) nta_outgoing_destroy(orq);
        return 0;
      },
      nullptr, dialog->route.empty() ? nullptr : URL_STRING_MAKE(dialog->route.c_str()), SIP_METHOD_INFO, nullptr,
      SIPTAG_CONTENT_TYPE_STR("application/dtmf-relay"), SIPTAG_PAYLOAD_STR(body.c_str()), TAG_END());
  (void)info;  // destroyed by its callback on the final answer (or nta's timeout)
}

// ---- ending --------------------------------------------------------------------------------

void CallSignalling::send_bye(SipDialog& dialog, int cause) {
  if (dialog.invite && dialog.phase == SipDialog::Phase::answered) {
    // The callee side must not send BYE before the ACK of its 200 arrives (or timer H ends
    // the wait): the BYE could overtake the 200 and find no dialog at the caller.
    dialog.bye_cause = cause ? cause : cause::normal_clearing;
    return;
  }
  if (dialog.invite) nta_incoming_destroy(std::exchange(dialog.invite, nullptr));
  if (!dialog.handle) return end(dialog);
  const std::string reason = reason_header(cause);
  dialog.phase = SipDialog::Phase::ending;
  dialog.bye = nta_outgoing_tcreate(dialog.handle, bye_response_callback, &dialog,
                                    dialog.route.empty() ? nullptr : URL_STRING_MAKE(dialog.route.c_str()),
                                    SIP_METHOD_BYE, nullptr, SIPTAG_HEADER_STR(reason.c_str()), TAG_END());
  if (!dialog.bye) end(dialog);
}

int CallSignalling::on_bye_response(SipDialog& dialog, nta_outgoing_t* orq, const void* response) {
  if (status_of(orq, as_sip(response)) < 200) return 0;
  nta_outgoing_destroy(orq);
  dialog.bye = nullptr;
  end(dialog);
  return 0;
}

void CallSignalling::end(SipDialog& dialog) {
  auto keep = live(dialog);  // the dialog may hold the last reference to itself through live_
  if (!keep) return;
  dialog.phase = SipDialog::Phase::ended;
  if (dialog.offer_in) nta_incoming_destroy(std::exchange(dialog.offer_in, nullptr));
  if (dialog.invite) nta_incoming_destroy(std::exchange(dialog.invite, nullptr));
  if (dialog.request) nta_outgoing_destroy(std::exchange(dialog.request, nullptr));
  if (dialog.offer_out) nta_outgoing_destroy(std::exchange(dialog.offer_out, nullptr));
  if (dialog.bye) nta_outgoing_destroy(std::exchange(dialog.bye, nullptr));
  if (dialog.handle) nta_leg_destroy(std::exchange(dialog.handle, nullptr));
  dialog.answer_timer.reset();
  if (dialog.home) {
    dialog.auth = nullptr;  // lives in home
    su_home_unref(std::exchange(dialog.home, nullptr));
  }
  live_.erase(&dialog);
}

}  // namespace junction::sip
