// Digest authentication: the RFC 7616 example vectors, nonces that expire or were forged,
// per-user algorithm policy and malformed credentials.
#include "digest_auth.hpp"

#include <gtest/gtest.h>

#include "phone_credentials.hpp"

namespace junction::sip {
namespace {

using namespace std::chrono_literals;
using Verdict = DigestAuthenticator::Verdict;
const auto kNow = DigestAuthenticator::Clock::time_point(std::chrono::seconds(1'800'000'000));
const std::vector<DigestAlgorithm> kBoth = {DigestAlgorithm::sha256, DigestAlgorithm::md5};

// RFC 7616 section 3.9.1.
DigestCredentials rfc7616_example() {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "http-auth@example.org";
  c.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  c.uri = "/dir/index.html";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  return c;
}

TEST(DigestAuth, Rfc7616ExampleVectors) {
  const DigestCredentials c = rfc7616_example();
  EXPECT_EQ(DigestAuthenticator::response(DigestAlgorithm::md5, c, "GET", "Circle of Life"),
            "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(DigestAuthenticator::response(DigestAlgorithm::sha256, c, "GET", "Circle of Life"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

class DigestVerify : public ::testing::Test {
 protected:
  DigestAuthenticator auth{"junction", "secret-of-this-process", 300s};

  DigestCredentials answer(const std::string& challenge, DigestAlgorithm algorithm, const std::string& password,
                           const std::string& method = "REGISTER") {
    return testing::answer_challenge(challenge, algorithm, "1001", password, method);
  }
};

TEST_F(DigestVerify, BothAlgorithmsAreOfferedStrongestFirst) {
  const auto challenges = auth.challenges(kBoth, false, kNow);
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_NE(challenges[0].find("algorithm=SHA-256"), std::string::npos) << challenges[0];
  EXPECT_NE(challenges[1].find("algorithm=MD5"), std::string::npos) << challenges[1];
  EXPECT_NE(challenges[0].find("realm=\"junction\""), std::string::npos);
  EXPECT_NE(challenges[0].find("qop=\"auth\""), std::string::npos);
  EXPECT_EQ(challenges[0].find("stale"), std::string::npos);
  EXPECT_NE(auth.challenges(kBoth, true, kNow)[0].find("stale=true"), std::string::npos);
}

TEST_F(DigestVerify, RightAndWrongPasswordsWithEitherAlgorithm) {
  const auto challenge = auth.challenges(kBoth, false, kNow)[0];
  for (DigestAlgorithm algorithm : kBoth) {
    EXPECT_EQ(auth.verify(answer(challenge, algorithm, "s3cret"), "REGISTER", "s3cret", kBoth, kNow + 10s),
              Verdict::ok);
    EXPECT_EQ(auth.verify(answer(challenge, algorithm, "guess"), "REGISTER", "s3cret", kBoth, kNow + 10s),
              Verdict::wrong);
  }
  // The response covers the method: a REGISTER answer does not authorise an INVITE.
  EXPECT_EQ(auth.verify(answer(challenge, DigestAlgorithm::md5, "s3cret"), "INVITE", "s3cret", kBoth, kNow),
            Verdict::wrong);
}

TEST_F(DigestVerify, ExpiredNonceIsStaleForgedNonceIsWrong) {
  const auto challenge = auth.challenges(kBoth, false, kNow)[0];
  auto c = answer(challenge, DigestAlgorithm::sha256, "s3cret");
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow + 301s), Verdict::stale);
  EXPECT_EQ(auth.verify(c, "REGISTER", "wrong", kBoth, kNow + 301s), Verdict::wrong);

  DigestAuthenticator other_process{"junction", "another-secret", 300s};
  EXPECT_EQ(other_process.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::wrong);

  c.nonce = "6a8f3c00.00000000000000000000000000000000";
  c.response = DigestAuthenticator::response(DigestAlgorithm::sha256, c, "REGISTER", "s3cret");
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::wrong);
}

TEST_F(DigestVerify, PerUserPolicyRefusesAnAlgorithm) {
  const auto challenges = auth.challenges({DigestAlgorithm::sha256}, false, kNow);
  ASSERT_EQ(challenges.size(), 1u);
  const auto c = answer(challenges[0], DigestAlgorithm::md5, "s3cret");
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", {DigestAlgorithm::sha256}, kNow), Verdict::not_allowed);
}

TEST_F(DigestVerify, MalformedCredentials) {
  const auto challenge = auth.challenges(kBoth, false, kNow)[0];
  auto base = answer(challenge, DigestAlgorithm::md5, "s3cret");
  auto c = base;
  c.algorithm = "SHA-512-256";
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::malformed);
  c = base;
  c.realm = "elsewhere";
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::malformed);
  c = base;
  c.cnonce.clear();
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::malformed);
  c = base;
  c.nonce = "no-dot-here";
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::wrong);
}

TEST_F(DigestVerify, Rfc2069StyleWithoutQopStillWorks) {
  const auto challenge = auth.challenges(kBoth, false, kNow)[1];
  auto c = answer(challenge, DigestAlgorithm::md5, "s3cret");
  c.qop.clear();
  c.nc.clear();
  c.cnonce.clear();
  c.response = DigestAuthenticator::response(DigestAlgorithm::md5, c, "REGISTER", "s3cret");
  EXPECT_EQ(auth.verify(c, "REGISTER", "s3cret", kBoth, kNow), Verdict::ok);
}

}  // namespace
}  // namespace junction::sip
