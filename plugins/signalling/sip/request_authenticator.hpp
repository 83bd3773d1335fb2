// Who may send a request: digest authentication of a user against the directory, shared by
// the registrar (REGISTER, 401) and call handling (INVITE, 407). Sources that keep failing are
// throttled. Runs on the call loop; works on plain values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_throttle.hpp"
#include "digest_auth.hpp"
#include "junction/directory.hpp"

namespace junction::sip {

struct AuthDecision {
  enum class Kind {
    accepted,   ///< `user` is who the request says
    challenge,  ///< answer 401/407 with `challenges`
    refused,    ///< answer `status` `reason` (403 blocked or wrong password, 400 malformed)
  };
  Kind kind = Kind::refused;
  const User* user = nullptr;           ///< accepted: the directory's user
  std::vector<std::string> challenges;  ///< challenge: the authenticate header values
  int status = 403;
  std::string reason = "Forbidden";
  std::string detail;  ///< why, for the log line
};

class RequestAuthenticator {
 public:
  RequestAuthenticator(const Directory& directory, DigestAuthenticator& digest, AuthThrottle& throttle,
                       std::vector<DigestAlgorithm> default_algorithms)
      : directory_(directory), digest_(digest), throttle_(throttle), defaults_(std::move(default_algorithms)) {}

  /// Checks a request claiming to come from `user`, sent from `source_address`. Unknown users
  /// are challenged like known ones, so the answers do not tell which extensions exist.
  AuthDecision check(std::string_view user, const std::optional<DigestCredentials>& credentials,
                     std::string_view method, const std::string& source_address,
                     std::chrono::system_clock::time_point now, AuthThrottle::Clock::time_point steady_now);

  /// The realm the challenges name.
  const std::string& realm() const { return digest_.realm(); }

 private:
  std::vector<DigestAlgorithm> algorithms_for(const User* user) const;
  AuthDecision challenge(const User* user, bool stale, std::chrono::system_clock::time_point now) const;
  AuthDecision refuse(const std::string& source_address, int status, std::string reason, std::string detail,
                      AuthThrottle::Clock::time_point steady_now);

  const Directory& directory_;
  DigestAuthenticator& digest_;
  AuthThrottle& throttle_;
  std::vector<DigestAlgorithm> defaults_;
};

}  // namespace junction::sip
