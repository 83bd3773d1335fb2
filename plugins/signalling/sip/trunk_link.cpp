#define NTA_OUTGOING_MAGIC_T junction::sip::TrunkLink
namespace junction::sip {
class TrunkLink;
}

#include "trunk_link.hpp"

#include <sofia-sip/auth_client.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>

#include "sip_messages.hpp"

namespace junction::sip {

namespace {
const sip_t* as_sip(const void* sip) { return static_cast<const sip_t*>(sip); }

int register_callback(TrunkLink* link, nta_outgoing_t* orq, const sip_t* sip) {
  return link->on_register_response(orq, sip);
}
int options_callback(TrunkLink* link, nta_outgoing_t* orq, const sip_t* sip) {
  return link->on_options_response(orq, sip);
}

// The expiry the registrar granted our own contact (a registrar lists every binding of the
// AOR): that contact's ;expires, else Expires, else what we asked for. 0 when it says none.
std::chrono::seconds granted_expiry(const sip_t* sip, const url_t* ours, std::chrono::seconds asked) {
  for (const sip_contact_t* m = sip->sip_contact; m; m = m->m_next) {
    if (!ours || url_cmp(m->m_url, ours) != 0) continue;
    if (m->m_expires) return std::chrono::seconds(std::strtoul(m->m_expires, nullptr, 10));
    break;
  }
  if (sip->sip_expires) return std::chrono::seconds(sip->sip_expires->ex_delta);
  return asked;
}

std::string status_text(const sip_t* sip, int status) {
  const char* phrase = sip && sip->sip_status ? sip->sip_status->st_phrase : "";
  return std::to_string(status) + (phrase && *phrase ? std::string(" ") + phrase : "");
}
}  // namespace

TrunkLink::TrunkLink(su_root_s* root, nta_agent_s* agent, TrunkSettings settings, std::string contact, Reporter report)
    : settings_(std::move(settings)),
      contact_(std::move(contact)),
      report_(std::move(report)),
      agent_(agent),
      home_(static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)))),
      backoff_(settings_.retry_min),
      expires_(settings_.register_expires),
      register_timer_(root),
      keepalive_timer_(root),
      options_deadline_(root),
      random_(std::random_device{}()) {
  if (!home_) throw std::runtime_error("sip: out of memory for trunk " + settings_.name);
  status_.name = settings_.name;
  status_.registration = settings_.registers ? "registering" : "off";
  const std::string aor = "<sip:" + (settings_.username.empty() ? std::string("junction") : settings_.username) + "@" +
                          settings_.domain + ">";
  const std::string domain = "<sip:" + settings_.domain + ">";
  // One Call-ID for every REGISTER of this trunk (RFC 3261 10.2.4: refreshes keep it).
  const std::string register_call_id = random_call_id(), options_call_id = random_call_id();
  register_leg_ = nta_leg_tcreate(agent_, nullptr, nullptr, SIPTAG_FROM_STR(aor.c_str()), SIPTAG_TO_STR(aor.c_str()),
                                  SIPTAG_CALL_ID_STR(register_call_id.c_str()), TAG_END());
  options_leg_ = nta_leg_tcreate(agent_, nullptr, nullptr, SIPTAG_FROM_STR(aor.c_str()), SIPTAG_TO_STR(domain.c_str()),
                                 SIPTAG_CALL_ID_STR(options_call_id.c_str()), TAG_END());
  if (!register_leg_ || !options_leg_) {
    if (register_leg_) nta_leg_destroy(register_leg_);
    if (options_leg_) nta_leg_destroy(options_leg_);
    su_home_unref(home_);
    throw std::runtime_error("sip: trunk " + settings_.name + ": cannot create its SIP legs");
  }
  nta_leg_tag(register_leg_, nullptr);
  nta_leg_tag(options_leg_, nullptr);
}

TrunkLink::~TrunkLink() {
  register_timer_.cancel();
  keepalive_timer_.cancel();
  options_deadline_.cancel();
  if (register_request_) nta_outgoing_destroy(register_request_);
  if (options_request_) nta_outgoing_destroy(options_request_);
  nta_leg_destroy(register_leg_);
  nta_leg_destroy(options_leg_);
  if (attempt_home_) su_home_unref(attempt_home_);
  su_home_unref(home_);
}

std::string TrunkLink::proxy_url() const {
  const bool v6 = settings_.proxy_host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + settings_.proxy_host + "]" : settings_.proxy_host;
  return "sip:" + host + ":" + std::to_string(settings_.proxy_port) + ";transport=" + settings_.transport;
}

void TrunkLink::start() {
  if (settings_.registers) send_register(nullptr);
  if (settings_.keepalive.count() > 0) send_options();
  publish("started");
}

void TrunkLink::publish(const std::string& detail) {
  status_.usable = status_.reachable && status_.registration != "auth_failed" && status_.registration != "unreachable";
  report_(status_, detail);
}

// ---- registration --------------------------------------------------------------------------

void TrunkLink::send_register(const void* challenge) {
  const std::string proxy = proxy_url();
  const std::string request_uri = "sip:" + settings_.domain;
  msg_header_t* credentials = nullptr;
  // What one attempt allocates lives in its own home, gone when the attempt is answered.
  if (attempt_home_) su_home_unref(attempt_home_);
  attempt_home_ = static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)));
  if (challenge && attempt_home_) {
    const sip_t* sip = as_sip(challenge);
    const bool proxy_auth = sip->sip_status->st_status == 407;
    url_t* url = url_make(attempt_home_, request_uri.c_str());
    const msg_auth_t* offered = proxy_auth ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
    if (!url || !offered ||
        auc_challenge(&auth_, home_, offered, proxy_auth ? sip_proxy_authorization_class : sip_authorization_class) <
            0 ||
        auc_all_credentials(&auth_, "Digest", nullptr, settings_.auth_username.c_str(), settings_.password.c_str()) <
            1 ||
        auc_authorization_headers(&auth_, attempt_home_, "REGISTER", url, nullptr, &credentials) < 1)
      return registration_failed("auth_failed", "cannot answer the challenge (only MD5 digest is supported)");
  }
  const std::string expires = std::to_string(expires_.count());
  register_request_ = nta_outgoing_tcreate(
      register_leg_, register_callback, this, URL_STRING_MAKE(proxy.c_str()), SIP_METHOD_REGISTER,
      URL_STRING_MAKE(request_uri.c_str()), SIPTAG_CONTACT_STR(contact_.c_str()), SIPTAG_EXPIRES_STR(expires.c_str()),
      TAG_IF(credentials, SIPTAG_HEADER(reinterpret_cast<const sip_header_t*>(credentials))), TAG_END());
  if (!register_request_) registration_failed("unreachable", "cannot send REGISTER to " + proxy);
}

int TrunkLink::on_register_response(nta_outgoing_t* orq, const void* response) {
  const sip_t* sip = as_sip(response);
  const int status = sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
  if (status < 200) return 0;
  nta_outgoing_destroy(orq);
  register_request_ = nullptr;
  const bool internal = !sip || nta_sip_is_internal(sip);
  if (status < 300 && !internal) {
    challenges_in_a_row_ = 0;
    const std::string ours = contact_.substr(contact_.find('<') + 1, contact_.find('>') - contact_.find('<') - 1);
    url_t* our_url = attempt_home_ ? url_make(attempt_home_, ours.c_str()) : nullptr;
    const auto granted = granted_expiry(sip, our_url, expires_);
    if (granted.count() <= 0) {
      registration_failed("unreachable", "the registrar granted no time to our contact");
      return 0;
    }
    backoff_ = settings_.retry_min;
    // Refresh well before expiry: at 80 % of the granted time, at least 5 s before it.
    const auto refresh = std::max<std::chrono::seconds>(std::chrono::seconds(1),
                                                        std::min(granted * 4 / 5, granted - std::chrono::seconds(5)));
    register_timer_.set(refresh, [this] { send_register(nullptr); });
    const bool changed = status_.registration != "registered";
    status_.registration = "registered";
    if (changed) publish("registered for " + std::to_string(granted.count()) + " s");
    return 0;
  }
  if ((status == 401 || status == 407) && !internal) {
    // A second challenge in a row means our credentials were refused (unless the nonce was
    // only stale, which the digest client handles by answering once more).
    if (++challenges_in_a_row_ <= 2) {
      send_register(sip);
      return 0;
    }
    challenges_in_a_row_ = 0;
    registration_failed("auth_failed", "credentials refused (" + status_text(sip, status) + ")");
    return 0;
  }
  challenges_in_a_row_ = 0;
  if (status == 423 && !internal && sip->sip_min_expires) {
    // Interval Too Brief: ask again at once for what the registrar wants (RFC 3261 10.2.8).
    expires_ = std::chrono::seconds(sip->sip_min_expires->me_delta);
    send_register(nullptr);
    return 0;
  }
  if (status == 403 && !internal) {
    registration_failed("auth_failed", status_text(sip, status));
  } else {
    registration_failed("unreachable", internal ? "no answer from " + proxy_url() + " (" + std::to_string(status) + ")"
                                                : status_text(sip, status));
  }
  return 0;
}

void TrunkLink::registration_failed(const std::string& state, const std::string& detail) {
  // Never give up: retry with exponential backoff (jitter: 80-120 % of the step).
  std::uniform_int_distribution<long long> jitter(backoff_.count() * 800, backoff_.count() * 1200);
  const std::chrono::milliseconds retry(jitter(random_));
  backoff_ = std::min(backoff_ * 2, settings_.retry_max);
  register_timer_.set(retry, [this] { send_register(nullptr); });
  status_.registration = state;
  publish(detail + "; retrying in " + std::to_string(retry.count() / 1000) + " s");
}

// ---- keepalive -----------------------------------------------------------------------------

void TrunkLink::send_options() {
  const std::string proxy = proxy_url();
  options_request_ = nta_outgoing_tcreate(options_leg_, options_callback, this, URL_STRING_MAKE(proxy.c_str()),
                                          SIP_METHOD_OPTIONS, URL_STRING_MAKE(proxy.c_str()), TAG_END());
  if (!options_request_) return keepalive_result(false, "cannot send OPTIONS to " + proxy);
  options_deadline_.set(options_deadline(), [this] {
    if (!options_request_) return;
    nta_outgoing_destroy(std::exchange(options_request_, nullptr));
    keepalive_result(false, "no answer to OPTIONS within " + std::to_string(options_deadline().count()) + " ms");
  });
}

// A live proxy answers OPTIONS at once; waiting for the transaction's own 32 s timeout would
// leave calls going to a dead trunk for half a minute.
std::chrono::milliseconds TrunkLink::options_deadline() const {
  return std::min<std::chrono::milliseconds>(settings_.keepalive, std::chrono::seconds(5));
}

int TrunkLink::on_options_response(nta_outgoing_t* orq, const void* response) {
  const sip_t* sip = as_sip(response);
  const int status = sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
  if (status < 200) return 0;
  nta_outgoing_destroy(orq);
  options_request_ = nullptr;
  options_deadline_.cancel();
  // Any answer from the far end shows it is there, except an overload (5xx) or a timeout.
  const bool internal = !sip || nta_sip_is_internal(sip);
  keepalive_result(!internal && status < 500,
                   internal ? "no answer to OPTIONS" : "OPTIONS " + status_text(sip, status));
  return 0;
}

void TrunkLink::keepalive_result(bool alive, const std::string& detail) {
  keepalive_timer_.set(settings_.keepalive, [this] { send_options(); });
  if (alive) {
    keepalive_failures_ = 0;
    if (!status_.reachable && ++keepalive_successes_ >= settings_.successes_to_up) {
      status_.reachable = true;
      publish("reachable again: " + detail);
    }
  } else {
    keepalive_successes_ = 0;
    if (status_.reachable && ++keepalive_failures_ >= settings_.failures_to_down) {
      status_.reachable = false;
      publish("unreachable: " + detail);
    }
  }
}

}  // namespace junction::sip
