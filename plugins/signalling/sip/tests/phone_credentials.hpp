// What a phone sends back for a digest challenge: the tests' client side.
#pragma once

#include <string>

#include "digest_auth.hpp"

namespace junction::sip::testing {

inline DigestCredentials answer_challenge(const std::string& challenge, DigestAlgorithm algorithm,
                                          const std::string& user, const std::string& password,
                                          const std::string& method = "REGISTER") {
  DigestCredentials c;
  c.username = user;
  c.realm = "junction";
  const auto start = challenge.find("nonce=\"") + 7;
  c.nonce = challenge.substr(start, challenge.find('"', start) - start);
  c.uri = "sip:127.0.0.1";
  c.algorithm = std::string(to_string(algorithm));
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "0a4f113b";
  c.response = DigestAuthenticator::response(algorithm, c, method, password);
  return c;
}

}  // namespace junction::sip::testing
