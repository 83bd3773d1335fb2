#include "digest_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace junction::sip {

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xf];
  }
  return out;
}

std::string hash_hex(DigestAlgorithm algorithm, std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const EVP_MD* md = algorithm == DigestAlgorithm::sha256 ? EVP_sha256() : EVP_md5();
  EVP_Digest(text.data(), text.size(), digest, &size, md, nullptr);
  return hex(digest, size);
}

std::string hmac_hex(std::string_view key, std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(text.data()),
       text.size(), digest, &size);
  return hex(digest, 16);  // 128 bits are plenty for a nonce tag
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::sha256 ? "SHA-256" : "MD5";
}

bool parse_digest_algorithm(std::string_view text, DigestAlgorithm& out) {
  if (text.empty() || equals_ignore_case(text, "MD5")) {
    out = DigestAlgorithm::md5;
    return true;
  }
  if (equals_ignore_case(text, "SHA-256")) {
    out = DigestAlgorithm::sha256;
    return true;
  }
  return false;
}

std::string_view to_string(DigestAuthenticator::Verdict verdict) {
  switch (verdict) {
    case DigestAuthenticator::Verdict::ok:
      return "ok";
    case DigestAuthenticator::Verdict::stale:
      return "stale";
    case DigestAuthenticator::Verdict::wrong:
      return "wrong";
    case DigestAuthenticator::Verdict::malformed:
      return "malformed";
    case DigestAuthenticator::Verdict::not_allowed:
      return "not_allowed";
  }
  return "wrong";
}

DigestAuthenticator::DigestAuthenticator(std::string realm, std::string secret, std::chrono::seconds nonce_lifetime)
    : realm_(std::move(realm)), secret_(std::move(secret)), lifetime_(nonce_lifetime) {}

// nonce = <seconds since epoch, hex> "." HMAC(secret, seconds . realm): nothing to store, and
// a nonce from another realm or a forged time does not verify.
std::string DigestAuthenticator::make_nonce(Clock::time_point now) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  char stamp[20];
  auto [end, ec] = std::to_chars(stamp, stamp + sizeof stamp, seconds, 16);
  (void)ec;
  const std::string issued(stamp, end);
  return issued + "." + hmac_hex(secret_, issued + "." + realm_);
}

int DigestAuthenticator::check_nonce(std::string_view nonce, Clock::time_point now) const {
  const auto dot = nonce.find('.');
  if (dot == std::string_view::npos) return -1;
  const std::string_view issued = nonce.substr(0, dot);
  if (!constant_time_equal(nonce.substr(dot + 1), hmac_hex(secret_, std::string(issued) + "." + realm_))) return -1;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(issued.data(), issued.data() + issued.size(), seconds, 16);
  if (ec != std::errc{} || end != issued.data() + issued.size()) return -1;
  const auto age = now - Clock::time_point(std::chrono::seconds(seconds));
  if (age < -std::chrono::seconds(5)) return -1;  // from the future: not ours
  return age <= lifetime_ ? 1 : 0;
}

std::vector<std::string> DigestAuthenticator::challenges(const std::vector<DigestAlgorithm>& allowed, bool stale,
                                                         Clock::time_point now) const {
  std::vector<std::string> out;
  const std::string nonce = make_nonce(now);
  for (DigestAlgorithm algorithm : {DigestAlgorithm::sha256, DigestAlgorithm::md5}) {
    if (std::find(allowed.begin(), allowed.end(), algorithm) == allowed.end()) continue;
    std::string value = "Digest realm=\"" + realm_ + "\", nonce=\"" + nonce +
                        "\", algorithm=" + std::string(to_string(algorithm)) + ", qop=\"auth\"";
    if (stale) value += ", stale=true";
    out.push_back(std::move(value));
  }
  return out;
}

std::string DigestAuthenticator::response(DigestAlgorithm algorithm, const DigestCredentials& c,
                                          std::string_view method, std::string_view password) {
  const std::string ha1 = hash_hex(algorithm, c.username + ":" + c.realm + ":" + std::string(password));
  const std::string ha2 = hash_hex(algorithm, std::string(method) + ":" + c.uri);
  if (c.qop.empty()) return hash_hex(algorithm, ha1 + ":" + c.nonce + ":" + ha2);
  return hash_hex(algorithm, ha1 + ":" + c.nonce + ":" + c.nc + ":" + c.cnonce + ":" + c.qop + ":" + ha2);
}

DigestAuthenticator::Verdict DigestAuthenticator::verify(const DigestCredentials& c, std::string_view method,
                                                         std::string_view password,
                                                         const std::vector<DigestAlgorithm>& allowed,
                                                         Clock::time_point now) const {
  DigestAlgorithm algorithm;
  if (!parse_digest_algorithm(c.algorithm, algorithm)) return Verdict::malformed;
  if (std::find(allowed.begin(), allowed.end(), algorithm) == allowed.end()) return Verdict::not_allowed;
  if (c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty() || c.realm != realm_)
    return Verdict::malformed;
  if (!c.qop.empty() && (c.qop != "auth" || c.nc.empty() || c.cnonce.empty())) return Verdict::malformed;
  const int nonce = check_nonce(c.nonce, now);
  if (nonce < 0) return Verdict::wrong;
  if (!constant_time_equal(lower(c.response), response(algorithm, c, method, password))) return Verdict::wrong;
  return nonce == 1 ? Verdict::ok : Verdict::stale;
}

}  // namespace junction::sip
