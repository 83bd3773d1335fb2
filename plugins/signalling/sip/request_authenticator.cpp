#include "request_authenticator.hpp"

namespace junction::sip {

std::vector<DigestAlgorithm> RequestAuthenticator::algorithms_for(const User* user) const {
  if (!user || user->sip_auth_algorithms.empty()) return defaults_;
  std::vector<DigestAlgorithm> allowed;
  for (const auto& name : user->sip_auth_algorithms)
    allowed.push_back(name == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::md5);
  return allowed;
}

AuthDecision RequestAuthenticator::challenge(const User* user, bool stale,
                                             std::chrono::system_clock::time_point now) const {
  AuthDecision decision;
  decision.kind = AuthDecision::Kind::challenge;
  decision.challenges = digest_.challenges(algorithms_for(user), stale, now);
  decision.detail = stale ? "challenged again (stale nonce)" : "challenged";
  return decision;
}

AuthDecision RequestAuthenticator::refuse(const std::string& source_address, int status, std::string reason,
                                          std::string detail, AuthThrottle::Clock::time_point steady_now) {
  AuthDecision decision;
  decision.status = status;
  decision.reason = std::move(reason);
  decision.detail = std::move(detail);
  if (status == 403 && throttle_.failed(source_address, steady_now))
    decision.detail += "; source " + source_address + " blocked";
  return decision;
}

AuthDecision RequestAuthenticator::check(std::string_view user_name,
                                         const std::optional<DigestCredentials>& credentials, std::string_view method,
                                         const std::string& source_address, std::chrono::system_clock::time_point now,
                                         AuthThrottle::Clock::time_point steady_now) {
  if (throttle_.blocked(source_address, steady_now)) {
    AuthDecision decision;
    decision.detail = "source " + source_address + " is blocked after repeated failures";
    return decision;
  }
  const std::string name(user_name);
  const User* user = directory_.find(name);
  if (!credentials) return challenge(user, false, now);
  if (!user || user->sip_password.empty())
    return refuse(source_address, 403, "Forbidden", "unknown user or no SIP password: " + name, steady_now);
  if (credentials->username != name)
    return refuse(source_address, 403, "Forbidden", "credentials of " + credentials->username + " used for " + name,
                  steady_now);
  switch (digest_.verify(*credentials, method, user->sip_password, algorithms_for(user), now)) {
    case DigestAuthenticator::Verdict::ok:
      break;
    case DigestAuthenticator::Verdict::stale:
      return challenge(user, true, now);
    case DigestAuthenticator::Verdict::wrong:
      return refuse(source_address, 403, "Forbidden", "wrong password for " + name, steady_now);
    case DigestAuthenticator::Verdict::not_allowed:
      return refuse(source_address, 403, "Forbidden", "digest algorithm not allowed for " + name, steady_now);
    case DigestAuthenticator::Verdict::malformed: {
      AuthDecision decision;
      decision.status = 400;
      decision.reason = "Bad Request";
      decision.detail =
          method == "REGISTER" ? "malformed Authorization header" : "malformed Proxy-Authorization header";
      return decision;
    }
  }
  throttle_.succeeded(source_address);
  AuthDecision decision;
  decision.kind = AuthDecision::Kind::accepted;
  decision.user = user;
  return decision;
}

}  // namespace junction::sip
