#include "auth/signature.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/authorization_header.h"

namespace restock::auth {
namespace {

// Expected values computed independently with
//   printf '%s' 'FIELD|TS' | openssl dgst -sha256 -hmac 'KEY' -binary | base64
struct Vector {
  std::string secret;
  std::string sig_field;
  std::int64_t ts;
  std::string expected;
};

const std::string kLongKey(100, 'k');  // longer than the SHA-256 block: HMAC hashes it first

TEST(ComputeSignatureTest, MatchesOpensslVectors) {
  const Vector vectors[] = {
      // Ordergroove's documented sample (their published sig does not verify; openssl's does).
      {"NT2kBcFx%!7dnAOVv9}i3CR*<L66w5", "test_user", 1488466536,
       "IYLYdrP/HAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o="},
      {"restock-api-secret", "api-user", 1780000000,
       "5VNNtuuyVnbvqsUmnUXN5rq2FAHFk7sqMITfhUS7b3g="},
      // Non-ASCII sig_field and key, signed as their UTF-8 bytes.
      {"hash-key-\xC3\xBC", "kunde-\xC3\xA4-\xE9\xA1\xA7\xE5\xAE\xA2", 1780000123,
       "8vMd4iCLjdoQk6UCboyEeMnmXl/xqE7V7csTPKXLJ2A="},
      {kLongKey, "cust_42", 0, "KXn6DNEy1NEyBmF/5PfgwSagUDfAGZXea+IYfaTHnn4="},
      {kLongKey, "cust_42", 999999999999999999, "4D2/iAZQdVadKj3NJJq48Y33HENyXGPYswfGpzKm+RA="},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(ComputeSignature(v.secret, v.sig_field, v.ts), v.expected) << v.sig_field;
  }
}

TEST(ComputeSignatureTest, DependsOnEveryInput) {
  const std::string base = ComputeSignature("key", "user", 100);
  EXPECT_NE(ComputeSignature("key2", "user", 100), base);
  EXPECT_NE(ComputeSignature("key", "user2", 100), base);
  EXPECT_NE(ComputeSignature("key", "user", 101), base);
}

TEST(SignedAuthorizationHeaderTest, WritesExpectedJson) {
  EXPECT_EQ(
      SignedAuthorizationHeader("pid", "test_user", "NT2kBcFx%!7dnAOVv9}i3CR*<L66w5", 1488466536),
      "{\"public_id\":\"pid\",\"ts\":1488466536,\"sig_field\":\"test_user\","
      "\"sig\":\"IYLYdrP/HAob0aCu54DIXrfqqOx3S7cgCIZeqv8Ai8o=\"}");
}

TEST(SignedAuthorizationHeaderTest, NeverContainsTheSecret) {
  const std::string header = SignedAuthorizationHeader("pid", "user", "super-secret-value", 5);
  EXPECT_EQ(header.find("super-secret-value"), std::string::npos);
}

TEST(SignedAuthorizationHeaderTest, EscapesToPureAsciiAndRoundTrips) {
  const std::string public_id = "p\"i\\d\n\x01";
  const std::string sig_field = "kunde-\xC3\xA4-\xF0\x9F\x98\x80";  // ä and U+1F600
  const std::string header = SignedAuthorizationHeader(public_id, sig_field, "key", 1780000000);
  for (char c : header) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << static_cast<int>(c);
  }
  EXPECT_NE(header.find("p\\\"i\\\\d\\n\\u0001"), std::string::npos) << header;
  EXPECT_NE(header.find("kunde-\\u00e4-\\ud83d\\ude00"), std::string::npos) << header;

  Result<SignedClaim> claim = ParseAuthorizationHeader(header);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->public_id, public_id);
  EXPECT_EQ(claim->sig_field, sig_field);
  EXPECT_EQ(claim->ts, 1780000000);
  EXPECT_EQ(claim->sig, ComputeSignature("key", sig_field, 1780000000));
}

TEST(SignedAuthorizationHeaderTest, InvalidUtf8BecomesReplacementCharacter) {
  const std::string header = SignedAuthorizationHeader("p\xFF", "u", "key", 1);
  EXPECT_NE(header.find("\"p\\ufffd\""), std::string::npos) << header;
}

}  // namespace
}  // namespace restock::auth
