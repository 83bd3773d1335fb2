#include "sip_channel_driver.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <string_view>

#include "junction/cause.hpp"
#include "sip_messages.hpp"

namespace junction::sip {

namespace {
// Characters a SIP URI's user part may carry unescaped (RFC 3261 25.1: unreserved and
// user-unreserved); numbers with anything else are refused rather than escaped.
bool valid_user_part(const std::string& number) {
  if (number.empty()) return false;
  for (unsigned char c : number)
    if (!std::isalnum(c) && std::string_view("-_.!~*'()&=+$,;?/").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  return true;
}

// What a caller may dial: a user part that routing will treat as a number. A '/' would make it
// an explicit "driver/destination" target and skip every routing rule.
bool dialable(const std::string& number) { return valid_user_part(number) && number.find('/') == std::string::npos; }

bool starts_with_scheme(const std::string& uri, std::string_view scheme) {
  if (uri.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(uri[i])) != scheme[i]) return false;
  return true;
}

// The Max-Forwards an outbound INVITE gets: the caller's less one (70 less one when the call
// did not come in over SIP). Reaching 0 is refused before a call exists (483).
unsigned forwarded_hops(const Headers& headers) {
  for (const auto& [name, value] : headers)
    if (name == "Max-Forwards") {
      unsigned hops = 70;
      std::from_chars(value.data(), value.data() + value.size(), hops);
      return hops > 0 ? std::min(hops - 1, 255u) : 0;
    }
  return 69;
}

std::string quoted(const std::string& display) {
  std::string out = "\"";
  for (char c : display) {
    if (c == '"' || c == '\\') out += '\\';
    if (c != '\r' && c != '\n') out += c;
  }
  return out + "\" ";
}
}  // namespace

SipChannelDriver::SipChannelDriver(CallEngine& engine, LocationService& location, RequestAuthenticator& auth,
                                   TrunkBoard& trunks, Logger& logger, Metrics& metrics, ToSofia to_sofia,
                                   std::shared_ptr<void> keep_alive)
    : engine_(engine),
      location_(location),
      auth_(auth),
      trunks_(trunks),
      logger_(logger),
      to_sofia_(std::move(to_sofia)),
      keep_alive_(std::move(keep_alive)),
      calls_accepted_(
          metrics.counter("junction_sip_invite_total", "Initial INVITEs by outcome", {{"outcome", "accepted"}})),
      calls_challenged_(
          metrics.counter("junction_sip_invite_total", "Initial INVITEs by outcome", {{"outcome", "challenged"}})),
      calls_refused_(
          metrics.counter("junction_sip_invite_total", "Initial INVITEs by outcome", {{"outcome", "refused"}})) {}

void SipChannelDriver::on_incoming(const std::shared_ptr<SipDialog>& dialog, InviteRequest request) {
  if (!dialable(request.request_user)) {
    calls_refused_.add();
    logger_.warn("INVITE from " + request.received + " for '" + request.request_user + "': 404, not a number");
    to_sofia_([dialog](CallSignalling& calls) { calls.refuse(dialog, 404, "Not Found", ""); });
    return;
  }
  if (const TrunkSettings* trunk = trunks_.match_source(request.source_address, request.source_port))
    return on_incoming_from_trunk(dialog, *trunk, std::move(request));
  const AuthDecision auth = auth_.check(request.from_user, request.credentials, "INVITE", request.source_address,
                                        std::chrono::system_clock::now(), AuthThrottle::Clock::now());
  if (auth.kind != AuthDecision::Kind::accepted) {
    int status = auth.status;
    std::string reason = auth.reason;
    std::string headers;
    if (auth.kind == AuthDecision::Kind::challenge) {
      calls_challenged_.add();
      status = 407;
      reason = "Proxy Authentication Required";
      for (const auto& challenge : auth.challenges)
        headers += (headers.empty() ? "" : "\r\n") + std::string("Proxy-Authenticate: ") + challenge;
    } else {
      calls_refused_.add();
      logger_.warn("INVITE from " + request.from_user + " (" + request.received + ") to " + request.request_user +
                   ": " + std::to_string(status) + " " + auth.detail);
    }
    to_sofia_(
        [dialog, status, reason, headers](CallSignalling& calls) { calls.refuse(dialog, status, reason, headers); });
    return;
  }
  calls_accepted_.add();
  IncomingCall call;
  call.caller.number = auth.user->extension;
  call.caller.display_name = auth.user->display_name.empty() ? request.from_display : auth.user->display_name;
  call.callee.number = request.request_user;
  call.headers = std::move(request.headers);
  call.headers.emplace_back("X-Received", request.received);
  call.offer = std::move(request.offer);
  const LegId leg = engine_.incoming(*this, std::move(call));
  dialog->leg = leg;
  legs_.emplace(leg, dialog);
}

void SipChannelDriver::on_incoming_from_trunk(const std::shared_ptr<SipDialog>& dialog, const TrunkSettings& trunk,
                                              InviteRequest request) {
  // A provider does not authenticate to us: its address identifies it; the DID picks the callee.
  const std::string callee = TrunkBoard::callee_for(trunk, {request.request_user, request.to_user});
  if (callee.empty() || !dialable(callee)) {
    calls_refused_.add();
    logger_.warn("INVITE from trunk " + trunk.name + " for " + request.request_user + "/" + request.to_user +
                 ": 404, no DID matches");
    to_sofia_([dialog](CallSignalling& calls) { calls.refuse(dialog, 404, "Not Found", ""); });
    return;
  }
  calls_accepted_.add();
  IncomingCall call;
  call.caller.number = request.from_user;
  call.caller.display_name = request.from_display;
  call.callee.number = callee;
  call.headers = std::move(request.headers);
  call.headers.emplace_back("X-Trunk", trunk.name);
  call.headers.emplace_back("X-Dialled", request.request_user);
  call.offer = std::move(request.offer);
  const LegId leg = engine_.incoming(*this, std::move(call));
  dialog->leg = leg;
  legs_.emplace(leg, dialog);
}

bool SipChannelDriver::worth_another_trunk(const LegEvent& failure) {
  const int status = failure.protocol_status;
  if (status == 0)  // nothing came back: our timeout, nta's timer B, a transport error
    return failure.cause == cause::recovery_on_timer_expiry || failure.cause == cause::temporary_failure;
  if (status == 408 || status == 504) return true;
  return status >= 500 && status < 600 && status != 501;  // busy, 404, 403/603 ...: the far end has spoken
}

void SipChannelDriver::on_event(const std::shared_ptr<SipDialog>& dialog, LegEvent event) {
  const LegId leg = dialog->leg;
  if (leg == 0 || !legs_.count(leg) || legs_.at(leg) != dialog) return;  // the engine is done with it
  if (auto trunk_call = trunk_calls_.find(leg); trunk_call != trunk_calls_.end()) {
    if (event.type == LegEventType::hung_up && worth_another_trunk(event)) {
      logger_.warn("trunk call to " + trunk_call->second.number + " via " + trunk_call->second.tried + " failed (" +
                   event.reason + ")" + (trunk_call->second.remaining.empty() ? "" : "; next trunk"));
      if (try_next_trunk(leg)) return;
    }
    // Once it rings (early media may be playing to the caller) or answers, this trunk has the call.
    if (event.type != LegEventType::dtmf) trunk_calls_.erase(leg);
  }
  switch (event.type) {
    case LegEventType::answered:
      dialog->established = true;
      break;
    case LegEventType::session_answer:
      dialog->offer_pending = false;
      break;
    case LegEventType::hung_up:
      release(leg);
      break;
    default:
      break;
  }
  engine_.leg_event(leg, std::move(event));
}

std::shared_ptr<SipDialog> SipChannelDriver::dialog_of(LegId leg) const {
  auto it = legs_.find(leg);
  return it == legs_.end() ? nullptr : it->second;
}

std::shared_ptr<SipDialog> SipChannelDriver::release(LegId leg) {
  trunk_calls_.erase(leg);
  auto it = legs_.find(leg);
  if (it == legs_.end()) return nullptr;
  auto dialog = std::move(it->second);
  legs_.erase(it);
  dialog->leg = 0;
  return dialog;
}

std::string SipChannelDriver::route_for(const std::string& number, const std::string& uri) const {
  for (const ContactBinding& binding : location_.lookup(number))
    if (binding.contact == uri) return nat_route(binding.received, binding.contact);
  return {};
}

void SipChannelDriver::originate(LegId leg, const OriginateRequest& request) {
  std::string uri = request.destination;
  const auto colon = uri.find(':');
  const bool has_scheme = colon != std::string::npos && colon > 0 &&
                          std::all_of(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon),
                                      [](unsigned char c) { return std::isalpha(c); });
  if (!has_scheme) uri = "sip:" + uri;  // "1002@10.0.0.5:5062", "10.0.0.5:5062"
  std::string problem;
  if (request.destination.empty() || uri.find_first_of(" \r\n<>\"") != std::string::npos)
    problem = "not a SIP URI: '" + request.destination + "'";
  else if (!starts_with_scheme(uri, "sip:") && !starts_with_scheme(uri, "sips:"))
    problem = "only sip: and sips: URIs can be called: '" + request.destination + "'";
  else if (!valid_user_part(request.caller.number) || !valid_user_part(request.callee.number))
    problem =
        "caller '" + request.caller.number + "' or callee '" + request.callee.number + "' cannot be a SIP user part";
  if (!problem.empty()) {
    engine_.leg_event(leg, LegEvent::hung_up(cause::invalid_number_format, problem));
    return;
  }
  auto dialog = std::make_shared<SipDialog>();
  dialog->leg = leg;
  legs_.emplace(leg, dialog);
  OutboundInvite invite;
  invite.request_uri = uri;
  invite.route = route_for(request.callee.number, uri);
  const std::string& domain = auth_.realm();
  invite.from = (request.caller.display_name.empty() ? std::string{} : quoted(request.caller.display_name)) +
                "<sip:" + request.caller.number + "@" + domain + ">";
  invite.to = "<sip:" + request.callee.number + "@" + domain + ">";
  invite.offer = request.offer;
  invite.max_forwards = forwarded_hops(request.headers);
  to_sofia_([dialog, invite = std::move(invite)](CallSignalling& calls) { calls.originate(dialog, invite); });
}

void SipChannelDriver::originate_trunk(LegId leg, const OriginateRequest& request) {
  const auto slash = request.destination.find('/');
  const std::string selection = request.destination.substr(0, slash);
  const std::string number = slash == std::string::npos ? "" : request.destination.substr(slash + 1);
  if (!valid_user_part(number) || !valid_user_part(request.caller.number)) {
    engine_.leg_event(
        leg, LegEvent::hung_up(cause::invalid_number_format,
                               "trunk target must be trunk/<trunks>/<number>, got trunk/" + request.destination));
    return;
  }
  std::string error;
  std::vector<const TrunkSettings*> order = trunks_.choose(selection, error);
  if (!error.empty()) {
    engine_.leg_event(leg, LegEvent::hung_up(cause::no_route, error));
    return;
  }
  if (order.empty()) {
    engine_.leg_event(leg, LegEvent::hung_up(cause::no_circuit_available, "no usable trunk in '" + selection + "'"));
    return;
  }
  trunk_calls_[leg] = TrunkCall{request, number, std::move(order), ""};
  try_next_trunk(leg);
}

bool SipChannelDriver::try_next_trunk(LegId leg) {
  auto it = trunk_calls_.find(leg);
  if (it == trunk_calls_.end() || it->second.remaining.empty()) return false;
  TrunkCall& call = it->second;
  const TrunkSettings& trunk = *call.remaining.front();
  call.remaining.erase(call.remaining.begin());
  call.tried = trunk.name;
  auto dialog = std::make_shared<SipDialog>();
  dialog->leg = leg;
  legs_[leg] = dialog;  // replaces the attempt that failed
  const bool v6 = trunk.proxy_host.find(':') != std::string::npos;
  OutboundInvite invite;
  invite.request_uri = "sip:" + call.number + "@" + trunk.domain;
  invite.route = "sip:" + (v6 ? "[" + trunk.proxy_host + "]" : trunk.proxy_host) + ":" +
                 std::to_string(trunk.proxy_port) + ";transport=" + trunk.transport;
  const std::string& presented = trunk.caller_id.empty() ? call.request.caller.number : trunk.caller_id;
  invite.from = (call.request.caller.display_name.empty() ? std::string{} : quoted(call.request.caller.display_name)) +
                "<sip:" + presented + "@" + trunk.domain + ">";
  invite.to = "<sip:" + call.number + "@" + trunk.domain + ">";
  invite.offer = call.request.offer;
  invite.max_forwards = forwarded_hops(call.request.headers);
  invite.auth_user = trunk.auth_username;
  invite.auth_password = trunk.password;
  invite.answer_timeout = trunk.setup_timeout;
  to_sofia_([dialog, invite = std::move(invite)](CallSignalling& calls) { calls.originate(dialog, invite); });
  return true;
}

void SipChannelDriver::answer(LegId leg, const SessionDescription& session) {
  if (auto dialog = dialog_of(leg))
    to_sofia_([dialog, session](CallSignalling& calls) { calls.answer(dialog, session); });
}

void SipChannelDriver::alert(LegId leg, const SessionDescription& early_media) {
  if (auto dialog = dialog_of(leg))
    to_sofia_([dialog, early_media](CallSignalling& calls) { calls.alert(dialog, early_media); });
}

void SipChannelDriver::reject(LegId leg, int cause) {
  if (auto dialog = release(leg)) to_sofia_([dialog, cause](CallSignalling& calls) { calls.reject(dialog, cause); });
}

void SipChannelDriver::redirect(LegId leg, const std::string& destination) {
  if (auto dialog = release(leg))
    to_sofia_([dialog, destination](CallSignalling& calls) { calls.redirect(dialog, destination); });
}

void SipChannelDriver::hangup(LegId leg, int cause) {
  if (auto dialog = release(leg)) to_sofia_([dialog, cause](CallSignalling& calls) { calls.hangup(dialog, cause); });
}

bool SipChannelDriver::update_session(LegId leg, const SessionDescription& offer) {
  auto dialog = dialog_of(leg);
  if (!dialog || !dialog->established || dialog->offer_pending) return false;
  dialog->offer_pending = true;
  to_sofia_([dialog, offer](CallSignalling& calls) { calls.update_session(dialog, offer); });
  return true;
}

bool SipChannelDriver::send_digit(LegId leg, char key) {
  auto dialog = dialog_of(leg);
  if (!dialog || !dialog->established) return false;
  to_sofia_([dialog, key](CallSignalling& calls) { calls.send_digit(dialog, key); });
  return true;
}

void SipChannelDriver::answer_session(LegId leg, const SessionDescription& answer, int cause) {
  if (auto dialog = dialog_of(leg))
    to_sofia_([dialog, answer, cause](CallSignalling& calls) { calls.answer_session(dialog, answer, cause); });
}

}  // namespace junction::sip
