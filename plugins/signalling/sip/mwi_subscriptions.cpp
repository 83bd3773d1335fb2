#define NTA_LEG_MAGIC_T junction::sip::MwiSubscription
#define NTA_OUTGOING_MAGIC_T junction::sip::MwiSubscription
namespace junction::sip {
struct MwiSubscription;
}

#include "mwi_subscriptions.hpp"

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>

namespace junction::sip {

namespace {

// SUBSCRIBEs waiting for the call loop at one time; more are answered 503 at once.
constexpr std::size_t kMaxPending = 1024;

const sip_t* as_sip(const void* sip) { return static_cast<const sip_t*>(sip); }

int dialog_request_callback(MwiSubscription* subscription, nta_leg_t*, nta_incoming_t* irq, const sip_t* sip) {
  return subscription->owner->on_dialog_request(*subscription, irq, sip);
}
int notify_response_callback(MwiSubscription* subscription, nta_outgoing_t* orq, const sip_t* sip) {
  return subscription->owner->on_notify_response(*subscription, orq, sip);
}

std::string transport_of(const MessageSource& source) {
  return source.transport_address.substr(0, source.transport_address.find(':'));
}

// Replies on a server transaction and lets nta keep it for retransmissions.
void reply(nta_incoming_t* irq, int status, const char* reason, const std::string& headers = {}) {
  nta_incoming_treply(irq, status, reason, TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END());
}

}  // namespace

MwiSubscriptions::MwiSubscriptions(su_root_t* root, nta_agent_t* agent, MwiPolicy policy, ContactFor contact_for,
                                   MwiMetrics metrics, Events events)
    : agent_(agent),
      policy_(policy),
      contact_for_(std::move(contact_for)),
      metrics_(metrics),
      events_(std::move(events)),
      table_(policy.max_per_user, policy.max_subscriptions),
      expiry_timer_(root),
      sweep_timer_(root) {
  update_gauge();
}

MwiSubscriptions::~MwiSubscriptions() {
  expiry_timer_.cancel();
  sweep_timer_.cancel();
  for (auto& [id, pending] : pending_) {
    reply(pending.irq, SIP_503_SERVICE_UNAVAILABLE);
    nta_incoming_destroy(pending.irq);
  }
  pending_.clear();
  for (auto& [id, subscription] : subscriptions_) {
    if (subscription->notify) nta_outgoing_destroy(std::exchange(subscription->notify, nullptr));
    if (subscription->leg) nta_leg_destroy(std::exchange(subscription->leg, nullptr));
  }
  subscriptions_.clear();
  if (metrics_.subscriptions) metrics_.subscriptions->set(0);
}

void MwiSubscriptions::log(LogLevel level, std::string line) {
  if (events_.log) events_.log(level, std::move(line));
}

void MwiSubscriptions::answered(int status) {
  Counter* counter = status == 200   ? metrics_.subscribe_ok
                     : status == 401 ? metrics_.subscribe_challenged
                                     : metrics_.subscribe_other;
  if (counter) counter->add();
}

void MwiSubscriptions::update_gauge() {
  if (metrics_.subscriptions) metrics_.subscriptions->set(static_cast<double>(table_.active_count()));
}

MwiSubscription* MwiSubscriptions::find(MwiTable::Id id) {
  auto it = subscriptions_.find(id);
  return it == subscriptions_.end() ? nullptr : it->second.get();
}

// ---- new subscriptions ---------------------------------------------------------------------

void MwiSubscriptions::on_subscribe(msg_t* msg, const void* parsed, const MessageSource& source) {
  const sip_t* sip = as_sip(parsed);
  if (sip->sip_to && sip->sip_to->a_tag) {
    // In a dialog by its To tag, yet no dialog took it: expired, ended, or never ours.
    nta_msg_treply(agent_, msg, 481, "Subscription Does Not Exist", TAG_END());
    answered(481);
    return;
  }
  const char* problem = nullptr;
  if (!sip->sip_from || !sip->sip_call_id || !sip->sip_cseq || !sip->sip_request->rq_url->url_host)
    problem = "Missing From, Call-ID, CSeq or Request-URI host";
  else if (!sip->sip_contact)
    problem = "Missing Contact";  // RFC 6665 3.1.1: where NOTIFYs go
  else if (!sip->sip_contact->m_url->url_host || sip->sip_contact->m_next)
    problem = "Contact Must Be One URI";
  else if (sip->sip_expires && sip->sip_expires->ex_date)
    problem = "Expires Must Be Delta-Seconds";
  if (problem) {
    nta_msg_treply(agent_, msg, 400, problem, TAG_END());
    answered(400);
    return;
  }
  if (!sip->sip_event || !is_message_summary(sip->sip_event->o_type ? sip->sip_event->o_type : "")) {
    // Phones ask for presence or dialog state as a matter of course: answered at once, without
    // a transaction or the call loop (the decision would be the same, SubscribeHandler).
    nta_msg_treply(agent_, msg, 489, "Bad Event", SIPTAG_ALLOW_EVENTS_STR(std::string(kMessageSummaryEvent).c_str()),
                   TAG_END());
    answered(489);
    return;
  }
  if (pending_.size() >= kMaxPending) {
    nta_msg_treply(agent_, msg, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR("5"), TAG_END());
    answered(503);
    return;
  }
  SubscribeRequest request = to_subscribe_request(sip, source);
  nta_incoming_t* irq = nta_incoming_create(agent_, nullptr, msg, const_cast<sip_t*>(sip), TAG_END());
  if (!irq) return;  // nta_incoming_create has consumed msg even so
  const Pending id = next_pending_++;
  pending_.emplace(id, PendingRequest{irq, source, sip->sip_request->rq_url->url_host});
  events_.subscribe(id, std::move(request));
}

void MwiSubscriptions::answer(Pending id, const SubscribeDecision& decision) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const PendingRequest pending = it->second;
  pending_.erase(it);
  if (decision.status != 200) {
    nta_incoming_tag(pending.irq, nullptr);  // a final answer carries a To tag of its own
    reply(pending.irq, decision.status, decision.reason.c_str(), subscribe_response_headers(decision));
    nta_incoming_destroy(pending.irq);
    answered(decision.status);
    return;
  }
  accept(pending, decision);
}

void MwiSubscriptions::accept(const PendingRequest& pending, const SubscribeDecision& decision) {
  nta_incoming_t* irq = pending.irq;
  const MwiTable::Admission admission = table_.admit(decision.box);
  if (!admission.admitted) {
    nta_incoming_tag(irq, nullptr);
    reply(irq, 503, "Too Many Subscriptions", "Retry-After: 300");
    nta_incoming_destroy(irq);
    answered(503);
    log(LogLevel::warn, "SUBSCRIBE " + decision.box + " from " + pending.source.transport_address + ": 503, " +
                            std::to_string(table_.size()) + " subscriptions held (mwi.max_subscriptions)");
    return;
  }
  // A fetch (Expires: 0) takes no lasting place, so it drops nobody's subscription.
  if (decision.expires > 0)
    for (MwiTable::Id evicted : admission.evicted) {
      if (MwiSubscription* old = find(evicted)) {
        log(LogLevel::info, "mailbox " + old->box +
                                ": its least recently refreshed subscription dropped for a new one "
                                "(mwi.max_per_user)");
        remove(*old);
      }
    }

  msg_t* request_message = nta_incoming_getrequest(irq);  // a reference of our own
  const sip_t* sip = sip_object(request_message);
  auto subscription = std::make_unique<MwiSubscription>();
  subscription->owner = this;
  subscription->box = decision.box;
  subscription->account = decision.account;
  subscription->counts = decision.counts;
  subscription->event = std::string(kMessageSummaryEvent);
  if (sip->sip_event && sip->sip_event->o_id) subscription->event += ";id=" + std::string(sip->sip_event->o_id);
  subscription->contact = contact_for_(transport_of(pending.source), pending.request_host);
  subscription->route = nat_route(pending.source.transport_address, contact_uri(sip));  // NOTIFYs reach NATed phones
  subscription->leg = nta_leg_tcreate(agent_, dialog_request_callback, subscription.get(),
                                      SIPTAG_CALL_ID(sip->sip_call_id), SIPTAG_FROM(sip->sip_to),
                                      SIPTAG_TO(sip->sip_from), NTATAG_REMOTE_CSEQ(sip->sip_cseq->cs_seq), TAG_END());
  if (!subscription->leg || !nta_leg_tag(subscription->leg, nullptr)) {
    msg_destroy(request_message);
    if (subscription->leg) nta_leg_destroy(subscription->leg);
    nta_incoming_tag(irq, nullptr);
    reply(irq, SIP_500_INTERNAL_SERVER_ERROR);
    nta_incoming_destroy(irq);
    answered(500);
    return;
  }
  nta_leg_server_route(subscription->leg, sip->sip_record_route, sip->sip_contact);
  msg_destroy(request_message);

  const auto now = MwiTable::Clock::now();
  subscription->id = table_.add(decision.box, now + std::chrono::seconds(decision.expires), now);
  MwiSubscription& added = *subscription;
  subscriptions_.emplace(added.id, std::move(subscription));
  update_gauge();
  rearm();

  nta_incoming_tag(irq, nta_leg_get_tag(added.leg));
  const std::string expires = std::to_string(decision.expires);
  nta_incoming_treply(irq, SIP_200_OK, SIPTAG_EXPIRES_STR(expires.c_str()), SIPTAG_CONTACT_STR(added.contact.c_str()),
                      TAG_END());
  nta_incoming_destroy(irq);
  answered(200);
  if (decision.expires == 0) {
    terminate(added, "");  // a fetch: one NOTIFY with the state, and done
  } else {
    notify(added);
  }
}

// ---- in the dialog -------------------------------------------------------------------------

int MwiSubscriptions::on_dialog_request(MwiSubscription& subscription, nta_incoming_t* irq, const void* parsed) {
  const sip_t* sip = as_sip(parsed);
  if (sip->sip_request->rq_method != sip_method_subscribe) {
    nta_incoming_treply(irq, SIP_405_METHOD_NOT_ALLOWED, SIPTAG_ALLOW_STR("SUBSCRIBE"), TAG_END());
    return 405;
  }
  if (!table_.active(subscription.id)) {
    nta_incoming_treply(irq, 481, "Subscription Does Not Exist", TAG_END());
    answered(481);
    return 481;
  }
  msg_t* request_message = nta_incoming_getrequest(irq);
  const MessageSource source = source_of(request_message, sip);
  msg_destroy(request_message);
  const SubscribeRequest request = to_subscribe_request(sip, source);
  if (!is_message_summary(request.event)) {
    nta_incoming_treply(irq, 489, "Bad Event", SIPTAG_ALLOW_EVENTS_STR(std::string(kMessageSummaryEvent).c_str()),
                        TAG_END());
    answered(489);
    return 489;
  }
  if (sip->sip_expires && sip->sip_expires->ex_date) {
    nta_incoming_treply(irq, 400, "Expires Must Be Delta-Seconds", TAG_END());
    answered(400);
    return 400;
  }
  const ExpiryDecision expiry = decide_expiry(request.expires, policy_);
  if (expiry.kind == ExpiryDecision::Kind::too_brief) {
    const std::string min = std::to_string(expiry.seconds);
    nta_incoming_treply(irq, SIP_423_INTERVAL_TOO_BRIEF, SIPTAG_MIN_EXPIRES_STR(min.c_str()), TAG_END());
    answered(423);
    return 423;
  }
  // A refresh is a target refresh (RFC 6665 4.1.2.1): NOTIFYs go to its Contact from now on.
  if (sip->sip_contact && sip->sip_contact->m_url->url_host) {
    nta_leg_server_route(subscription.leg, nullptr, sip->sip_contact);
    subscription.route = nat_route(source.transport_address, contact_uri(sip));
  }
  const std::string expires = std::to_string(expiry.seconds);
  if (expiry.kind == ExpiryDecision::Kind::accept) {
    const auto now = MwiTable::Clock::now();
    table_.refresh(subscription.id, now + std::chrono::seconds(expiry.seconds), now);
    rearm();
  }
  nta_incoming_treply(irq, SIP_200_OK, SIPTAG_EXPIRES_STR(expires.c_str()),
                      SIPTAG_CONTACT_STR(subscription.contact.c_str()), TAG_END());
  answered(200);
  if (expiry.kind == ExpiryDecision::Kind::unsubscribe) {
    terminate(subscription, "");
  } else {
    notify(subscription);
  }
  return 200;
}

// ---- NOTIFY --------------------------------------------------------------------------------

void MwiSubscriptions::mailbox_changed(const std::string& box, const MailboxCounts& counts) {
  for (MwiTable::Id id : table_.of_box(box)) {
    MwiSubscription* subscription = find(id);
    if (!subscription || subscription->counts == counts) continue;
    subscription->counts = counts;
    notify(*subscription);
  }
}

void MwiSubscriptions::notify(MwiSubscription& subscription) {
  if (subscription.doomed) return;
  if (subscription.notify) {
    subscription.notify_again = true;  // one NOTIFY at a time; the newest state follows the answer
    return;
  }
  send_notify(subscription);
}

void MwiSubscriptions::send_notify(MwiSubscription& subscription) {
  const bool final = subscription.ending;
  std::string state = subscription_terminated(subscription.end_reason);
  if (!final) {
    const auto expires = table_.expires(subscription.id);
    state = subscription_active(expires ? seconds_until(*expires, MwiTable::Clock::now()) : 0);
  }
  const std::string body = message_summary(subscription.account, subscription.counts);
  const std::string type(kMessageSummaryType);
  subscription.notify_again = false;
  subscription.final_sent = final;
  subscription.notify = nta_outgoing_tcreate(
      subscription.leg, notify_response_callback, &subscription,
      subscription.route.empty() ? nullptr : URL_STRING_MAKE(subscription.route.c_str()), SIP_METHOD_NOTIFY, nullptr,
      SIPTAG_EVENT_STR(subscription.event.c_str()), SIPTAG_SUBSCRIPTION_STATE_STR(state.c_str()),
      SIPTAG_CONTACT_STR(subscription.contact.c_str()), SIPTAG_CONTENT_TYPE_STR(type.c_str()),
      SIPTAG_PAYLOAD_STR(body.c_str()), TAG_END());
  if (!subscription.notify) {
    if (metrics_.notify_failed) metrics_.notify_failed->add();
    log(LogLevel::warn, "mailbox " + subscription.box + ": NOTIFY could not be sent; subscription removed");
    discard(subscription);
  }
}

int MwiSubscriptions::on_notify_response(MwiSubscription& subscription, nta_outgoing_t* orq, const void* response) {
  const sip_t* sip = as_sip(response);
  const int status = sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
  if (status < 200) return 0;
  nta_outgoing_destroy(orq);
  subscription.notify = nullptr;
  if (status >= 300) {
    // 481: the subscriber has forgotten it; 408 or nta's timeout: gone; any other refusal
    // (RFC 6665 4.2.2) ends the subscription as well.
    if (metrics_.notify_failed) metrics_.notify_failed->add();
    log(LogLevel::info,
        "mailbox " + subscription.box + ": NOTIFY answered " + std::to_string(status) + "; subscription removed");
    remove(subscription);
    return 0;
  }
  if (metrics_.notify_ok) metrics_.notify_ok->add();
  if (subscription.final_sent || subscription.doomed) {
    remove(subscription);
  } else if (subscription.notify_again) {
    send_notify(subscription);
  }
  return 0;
}

// ---- ending --------------------------------------------------------------------------------

void MwiSubscriptions::terminate(MwiSubscription& subscription, std::string reason) {
  if (subscription.ending) return;
  table_.end(subscription.id);
  subscription.ending = true;
  subscription.end_reason = std::move(reason);
  update_gauge();
  notify(subscription);
}

void MwiSubscriptions::expire() {
  for (MwiTable::Id id : table_.expired(MwiTable::Clock::now())) {
    if (MwiSubscription* subscription = find(id)) {
      log(LogLevel::debug, "mailbox " + subscription->box + ": subscription expired");
      terminate(*subscription, "timeout");
    } else {
      table_.remove(id);
    }
  }
  rearm();
}

void MwiSubscriptions::rearm() {
  const auto next = table_.next_expiry();
  if (!next) {
    expiry_timer_.cancel();
    return;
  }
  const auto now = MwiTable::Clock::now();
  const auto delay =
      *next > now ? std::chrono::ceil<std::chrono::milliseconds>(*next - now) : std::chrono::milliseconds(0);
  expiry_timer_.set(delay, [this] { expire(); });
}

void MwiSubscriptions::remove(MwiSubscription& subscription) {
  if (subscription.notify) nta_outgoing_destroy(std::exchange(subscription.notify, nullptr));
  if (subscription.leg) nta_leg_destroy(std::exchange(subscription.leg, nullptr));
  const MwiTable::Id id = subscription.id;
  table_.remove(id);
  subscriptions_.erase(id);  // destroys `subscription`
  update_gauge();
}

void MwiSubscriptions::discard(MwiSubscription& subscription) {
  if (subscription.doomed) return;
  subscription.doomed = true;
  table_.end(subscription.id);
  update_gauge();
  doomed_.push_back(subscription.id);
  sweep_timer_.set(std::chrono::milliseconds(0), [this] { sweep(); });
}

void MwiSubscriptions::sweep() {
  for (MwiTable::Id id : std::exchange(doomed_, {}))
    if (MwiSubscription* subscription = find(id)) remove(*subscription);
}

}  // namespace junction::sip
