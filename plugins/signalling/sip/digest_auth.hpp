// SIP digest authentication (RFC 3261 section 22, RFC 7616 algorithms, RFC 8760 for SIP):
// challenges with SHA-256 and MD5, stateless nonces that expire, and response checking.
// Hashes come from OpenSSL; header parsing is sofia's (this class sees parameters only).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace junction::sip {

enum class DigestAlgorithm { md5, sha256 };

/// "MD5" / "SHA-256"; parse accepts either case. Returns false for anything else.
std::string_view to_string(DigestAlgorithm algorithm);
bool parse_digest_algorithm(std::string_view text, DigestAlgorithm& out);

/// The parameters of an Authorization / Proxy-Authorization header (unquoted).
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string algorithm;  ///< empty means MD5
  std::string qop;        ///< "auth" or empty (RFC 2069 style)
  std::string nc;
  std::string cnonce;
  std::string opaque;
};

class DigestAuthenticator {
 public:
  using Clock = std::chrono::system_clock;

  enum class Verdict {
    ok,
    stale,        ///< right password, expired nonce: challenge again with stale=true
    wrong,        ///< wrong password or a nonce we never issued
    malformed,    ///< missing or inconsistent parameters
    not_allowed,  ///< an algorithm this user may not use
  };

  /// `secret` keys the nonces (random per process is fine: phones re-authenticate).
  DigestAuthenticator(std::string realm, std::string secret, std::chrono::seconds nonce_lifetime);

  const std::string& realm() const { return realm_; }

  /// WWW-Authenticate values, one per allowed algorithm, strongest first.
  std::vector<std::string> challenges(const std::vector<DigestAlgorithm>& allowed, bool stale,
                                      Clock::time_point now) const;

  /// Checks `credentials` for a request with `method`. `allowed` is the user's policy.
  Verdict verify(const DigestCredentials& credentials, std::string_view method, std::string_view password,
                 const std::vector<DigestAlgorithm>& allowed, Clock::time_point now) const;

  /// The expected response value (exposed for tests and for clients we implement later).
  static std::string response(DigestAlgorithm algorithm, const DigestCredentials& credentials, std::string_view method,
                              std::string_view password);

 private:
  std::string make_nonce(Clock::time_point now) const;
  /// 1 valid, 0 expired, -1 forged or unreadable.
  int check_nonce(std::string_view nonce, Clock::time_point now) const;

  std::string realm_;
  std::string secret_;
  std::chrono::seconds lifetime_;
};

std::string_view to_string(DigestAuthenticator::Verdict verdict);

}  // namespace junction::sip
