#include "subscribe_handler.hpp"

namespace junction::sip {

namespace {

SubscribeDecision refused(int status, std::string reason, std::string detail) {
  SubscribeDecision decision;
  decision.status = status;
  decision.reason = std::move(reason);
  decision.log_detail = std::move(detail);
  return decision;
}

}  // namespace

SubscribeDecision SubscribeHandler::handle(const SubscribeRequest& request, std::chrono::system_clock::time_point now,
                                           AuthThrottle::Clock::time_point steady_now) {
  // The package first: a phone asking for presence or dialog state learns at once that only
  // message-summary is served here (489, RFC 6665), without authenticating for nothing.
  if (!is_message_summary(request.event)) {
    SubscribeDecision decision =
        refused(489, "Bad Event", request.event.empty() ? "no Event header" : "event " + request.event);
    decision.allow_events = true;
    return decision;
  }
  if (!accepts_message_summary(request.accept)) {
    SubscribeDecision decision = refused(406, "Not Acceptable", "Accept excludes " + std::string(kMessageSummaryType));
    decision.accept = true;
    return decision;
  }
  if (request.from_user.empty()) return refused(400, "Bad Request", "no user in the From header");

  const AuthDecision auth =
      auth_.check(request.from_user, request.credentials, "SUBSCRIBE", request.source_address, now, steady_now);
  if (auth.kind == AuthDecision::Kind::challenge) {
    SubscribeDecision decision = refused(401, "Unauthorized", auth.detail);
    decision.www_authenticate = auth.challenges;
    return decision;
  }
  if (auth.kind != AuthDecision::Kind::accepted) {
    return refused(auth.status, auth.reason,
                   auth.status == 400 ? std::string("malformed Authorization header") : auth.detail);
  }

  // A user watches their own mailbox only: the Request-URI names it (its To, when the URI has
  // no user), and neither may name anyone else.
  const std::string& user = auth.user->extension;
  const std::string& box = request.request_user.empty() ? request.to_user : request.request_user;
  if (box != user || (!request.to_user.empty() && request.to_user != user)) {
    return refused(403, "Forbidden",
                   user + " may not watch mailbox " + (box.empty() ? std::string("(none named)") : box));
  }

  const ExpiryDecision expiry = decide_expiry(request.expires, policy_);
  if (expiry.kind == ExpiryDecision::Kind::too_brief) {
    SubscribeDecision decision = refused(
        423, "Interval Too Brief", "expires " + std::to_string(request.expires.value_or(0)) + " below the minimum");
    decision.min_expires = expiry.seconds;
    return decision;
  }

  SubscribeDecision decision;
  decision.box = box;
  decision.account = "sip:" + box + "@" + domain_;
  decision.expires = expiry.seconds;
  decision.counts = mailboxes_.counts(box);
  decision.log_detail = expiry.kind == ExpiryDecision::Kind::unsubscribe
                            ? "fetched (expires 0)"
                            : "subscribed for " + std::to_string(expiry.seconds) + " s";
  return decision;
}

std::string subscribe_response_headers(const SubscribeDecision& decision) {
  std::string out;
  auto add = [&out](const std::string& line) {
    if (!out.empty()) out += "\r\n";
    out += line;
  };
  for (const auto& challenge : decision.www_authenticate) add("WWW-Authenticate: " + challenge);
  if (decision.min_expires) add("Min-Expires: " + std::to_string(*decision.min_expires));
  if (decision.allow_events) add("Allow-Events: " + std::string(kMessageSummaryEvent));
  if (decision.accept) add("Accept: " + std::string(kMessageSummaryType));
  return out;
}

}  // namespace junction::sip
