// The registrar's decisions (RFC 3261 section 10.3), free of any SIP stack: a REGISTER comes in
// as plain values, the answer goes out as plain values; the sofia glue translates both ways.
// Authenticates against the user directory, throttles sources that keep failing, and keeps
// the location service up to date.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "junction/location.hpp"
#include "request_authenticator.hpp"

namespace junction::sip {

struct RegisterContact {
  std::string uri;                   ///< "*" for the wildcard
  std::optional<long long> expires;  ///< the contact's expires parameter
};

struct RegisterRequest {
  std::string aor_user;  ///< user part of the To URI
  std::vector<RegisterContact> contacts;
  std::optional<long long> expires_header;
  std::string call_id;
  std::uint32_t cseq = 0;
  std::string source_address;  ///< the sender's IP, what the throttle counts
  std::string received;        ///< "udp:203.0.113.7:40612": where to reach the phone
  std::string user_agent;
  std::optional<DigestCredentials> credentials;  ///< from the Authorization header
};

struct RegisterResponse {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::string> www_authenticate;                ///< for 401
  std::optional<long long> min_expires;                     ///< for 423
  std::vector<std::pair<std::string, long long>> contacts;  ///< for 200: uri, seconds left
  std::string log_detail;                                   ///< why, for the log line
};

struct RegistrarPolicy {
  std::chrono::seconds min_expires{60};
  std::chrono::seconds max_expires{3600};
  std::chrono::seconds default_expires{3600};
  std::size_t max_contacts_per_user = 10;
};

class RegistrationHandler {
 public:
  RegistrationHandler(LocationService& location, RequestAuthenticator& authenticator, RegistrarPolicy policy)
      : location_(location), auth_(authenticator), policy_(policy) {}

  RegisterResponse handle(const RegisterRequest& request, std::chrono::system_clock::time_point now,
                          AuthThrottle::Clock::time_point steady_now);

 private:
  /// A 200 listing `bindings` with the seconds each has left.
  static RegisterResponse listing(const std::vector<ContactBinding>& bindings,
                                  std::chrono::system_clock::time_point now);

  LocationService& location_;
  RequestAuthenticator& auth_;
  RegistrarPolicy policy_;
};

}  // namespace junction::sip
