#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "auth/fake_credential_source.h"
#include "auth/signature.h"
#include "core/crypto.h"
#include "support/fake_clock.h"

namespace restock::auth {
namespace {

model::Merchant MakeMerchant(model::MerchantId id, std::string public_id, std::string hash_key) {
  model::Merchant m;
  m.id = id;
  m.public_id = std::move(public_id);
  m.hash_key = std::move(hash_key);
  return m;
}

constexpr std::int64_t kNow = 1'780'000'000;
constexpr model::MerchantId kMerchantId = 7;
const std::string kPublicId = "acme";
const std::string kHashKey = "acme-hash-key";
const std::string kUser = "api-user";
const std::string kUserSecret = "restock-api-secret";
const std::string kApiKey = "app-key-123";

Status Unauth(const std::string& m) { return UnauthenticatedError(m); }

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : clock_(kNow * 1'000'000), auth_(source_, clock_, AuthWindow{}) {
    source_.AddMerchant(MakeMerchant(kMerchantId, kPublicId, kHashKey));
    source_.AddMerchant(MakeMerchant(8, "keyless", ""));  // empty hash key
    source_.AddApiUser({.merchant_id = kMerchantId,
                        .username = kUser,
                        .secret = kUserSecret,
                        .previous_secret = {}});
    source_.AddApiKey({.merchant_id = kMerchantId,
                       .name = "erp",
                       .key_sha256_hex = HexEncode(Sha256(kApiKey)),
                       .last_used = std::nullopt});
  }

  // Headers for an API-user signature by `user` with `secret` at `ts`.
  AuthHeaders ApiUserHeaders(const std::string& user, const std::string& secret, std::int64_t ts,
                             std::string_view og = "True",
                             const std::string& public_id = kPublicId) {
    const std::string& h =
        headers_.emplace_back(SignedAuthorizationHeader(public_id, user, secret, ts));
    return {.authorization = h, .og_authorization = og, .api_key = std::nullopt};
  }
  AuthHeaders CustomerHeaders(const std::string& customer, const std::string& key,
                              std::int64_t ts) {
    const std::string& h =
        headers_.emplace_back(SignedAuthorizationHeader(kPublicId, customer, key, ts));
    return {.authorization = h, .og_authorization = std::nullopt, .api_key = std::nullopt};
  }

  testing::FakeClock clock_;
  FakeCredentialSource source_;
  Authenticator auth_;
  std::deque<std::string> headers_;  // owns header values; a deque never moves them
};

const Principal kApiUserPrincipal{
    .merchant_id = kMerchantId, .public_id = kPublicId, .scope = Scope::kApiUser, .actor = kUser};

TEST_F(AuthenticatorTest, ApiUserSignatureAccepted) {
  Result<Principal> p = auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, kApiUserPrincipal);
}

TEST_F(AuthenticatorTest, OgAuthorizationIsCaseInsensitive) {
  for (std::string_view og : {"true", "True", "TRUE", " tRuE\t"}) {
    Result<Principal> p = auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow, og));
    ASSERT_TRUE(p.ok()) << og << ": " << p.status().ToString();
    EXPECT_EQ(p->scope, Scope::kApiUser);
  }
}

TEST_F(AuthenticatorTest, OgAuthorizationOtherThanTrueMeansCustomerScope) {
  for (std::string_view og : {"False", "1", "yes", "", "truee", "tru"}) {
    // Signed with the user's secret, but checked as a customer signature: invalid.
    EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow, og)).status(),
              Unauth("Invalid signature."))
        << og;
  }
}

TEST_F(AuthenticatorTest, PercentEncodedSignatureAccepted) {
  std::string sig = ComputeSignature(kUserSecret, kUser, kNow);
  std::string encoded;
  for (char c : sig) encoded += c == '/' ? "%2F" : c == '=' ? "%3d" : std::string(1, c);
  const std::string header = R"({"public_id":"acme","ts":")" + std::to_string(kNow) +
                             R"(","sig_field":"api-user","sig":")" + encoded + R"("})";
  EXPECT_TRUE(auth_.AuthenticateMerchant({header, "True", std::nullopt}).ok());
}

TEST_F(AuthenticatorTest, WrongSignatureRejected) {
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, "wrong-secret", kNow)).status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, UnknownMerchantLooksLikeWrongSignature) {
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow, "True", "nobody"))
                .status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, UnknownApiUserLooksLikeWrongSignature) {
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders("ghost", kUserSecret, kNow)).status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, ApiUserOfAnotherMerchantRejected) {
  source_.AddMerchant(MakeMerchant(9, "other", "k"));
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow, "True", "other"))
                .status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, TimestampWindowBoundaries) {
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow - 7201)).status(),
            Unauth("Signature expired."));
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow - 7200)).ok());
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow + 300)).ok());
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow + 301)).status(),
            Unauth("Timestamp is in the future."));
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, 0)).status(),
            Unauth("Signature expired."));
  EXPECT_EQ(
      auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, 999999999999999999)).status(),
      Unauth("Timestamp is in the future."));
}

TEST_F(AuthenticatorTest, SignatureExpiresAsTheClockMoves) {
  const AuthHeaders headers = ApiUserHeaders(kUser, kUserSecret, kNow);
  clock_.AdvanceSeconds(7200);
  EXPECT_TRUE(auth_.AuthenticateMerchant(headers).ok());
  clock_.AdvanceSeconds(1);
  EXPECT_EQ(auth_.AuthenticateMerchant(headers).status(), Unauth("Signature expired."));
}

TEST_F(AuthenticatorTest, WindowIsConfigurable) {
  Authenticator strict(source_, clock_, AuthWindow{.max_age_seconds = 60, .max_future_seconds = 0});
  EXPECT_TRUE(strict.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow - 60)).ok());
  EXPECT_EQ(strict.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow - 61)).status(),
            Unauth("Signature expired."));
  EXPECT_EQ(strict.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow + 1)).status(),
            Unauth("Timestamp is in the future."));
}

TEST_F(AuthenticatorTest, WindowCheckedBeforeAnyLookup) {
  (void)auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow - 7201));
  EXPECT_EQ(source_.lookups(), 0);
}

TEST_F(AuthenticatorTest, ValidCustomerSignatureForbiddenOnMerchantEndpoints) {
  const AuthHeaders headers = CustomerHeaders("cust_42", kHashKey, kNow);
  EXPECT_EQ(auth_.AuthenticateMerchant(headers).status(),
            PermissionDeniedError("Customer credentials may not update products."));
  Result<Principal> p = auth_.Authenticate(headers);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, (Principal{.merchant_id = kMerchantId,
                           .public_id = kPublicId,
                           .scope = Scope::kCustomer,
                           .actor = "cust_42"}));
}

TEST_F(AuthenticatorTest, InvalidCustomerSignatureUnauthenticated) {
  EXPECT_EQ(auth_.AuthenticateMerchant(CustomerHeaders("cust_42", "not-the-key", kNow)).status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, EmptySecretNeverVerifies) {
  const std::string header = SignedAuthorizationHeader("keyless", "cust_42", "", kNow);
  EXPECT_EQ(auth_.Authenticate({header, std::nullopt, std::nullopt}).status(),
            Unauth("Invalid signature."));
  source_.AddApiUser(
      {.merchant_id = kMerchantId, .username = "blank", .secret = "", .previous_secret = {}});
  EXPECT_EQ(auth_.Authenticate(ApiUserHeaders("blank", "", kNow)).status(),
            Unauth("Invalid signature."));
}

TEST_F(AuthenticatorTest, MalformedHeaderRejected) {
  EXPECT_EQ(auth_.AuthenticateMerchant({"not json", "True", std::nullopt}).status(),
            Unauth("Malformed authorization header."));
}

TEST_F(AuthenticatorTest, ApiKeyAccepted) {
  Result<Principal> p = auth_.AuthenticateMerchant({std::nullopt, std::nullopt, kApiKey});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, (Principal{.merchant_id = kMerchantId,
                           .public_id = "",
                           .scope = Scope::kApplication,
                           .actor = "erp"}));
}

TEST_F(AuthenticatorTest, BadApiKeyRejected) {
  for (std::string_view key : {"app-key-124", "", "APP-KEY-123"}) {
    EXPECT_EQ(auth_.AuthenticateMerchant({std::nullopt, std::nullopt, key}).status(),
              Unauth("Invalid API key."))
        << key;
  }
}

TEST_F(AuthenticatorTest, ApiKeyDecidesAloneWhenBothSent) {
  AuthHeaders headers = ApiUserHeaders(kUser, kUserSecret, kNow);
  headers.api_key = "bad-key";
  EXPECT_EQ(auth_.AuthenticateMerchant(headers).status(), Unauth("Invalid API key."));
  headers.api_key = kApiKey;
  Result<Principal> p = auth_.AuthenticateMerchant(headers);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->scope, Scope::kApplication);
}

TEST_F(AuthenticatorTest, NoCredentials) {
  EXPECT_EQ(auth_.AuthenticateMerchant({}).status(),
            Unauth("Authentication credentials were not provided."));
  // og-authorization alone is not a credential.
  EXPECT_EQ(auth_.AuthenticateMerchant({std::nullopt, "True", std::nullopt}).status(),
            Unauth("Authentication credentials were not provided."));
}

TEST_F(AuthenticatorTest, SourceErrorsPassedThrough) {
  const AuthHeaders signed_headers = ApiUserHeaders(kUser, kUserSecret, kNow);
  for (const Status& failure :
       {UnavailableError("database unavailable"), InternalError("broken")}) {
    source_.FailWith(failure);
    EXPECT_EQ(auth_.AuthenticateMerchant(signed_headers).status(), failure);
    EXPECT_EQ(auth_.AuthenticateMerchant({std::nullopt, std::nullopt, kApiKey}).status(), failure);
    EXPECT_EQ(auth_.AuthenticateMerchant(CustomerHeaders("c", kHashKey, kNow)).status(), failure);
  }
}

TEST_F(AuthenticatorTest, MessagesNeverContainSecrets) {
  const AuthHeaders cases[] = {
      ApiUserHeaders(kUser, "wrong", kNow),
      ApiUserHeaders(kUser, kUserSecret, kNow - 9000),
      CustomerHeaders("c", kHashKey, kNow),
  };
  for (const AuthHeaders& h : cases) {
    const std::string message = auth_.AuthenticateMerchant(h).status().message();
    EXPECT_EQ(message.find(kUserSecret), std::string::npos);
    EXPECT_EQ(message.find(kHashKey), std::string::npos);
    EXPECT_EQ(message.find(ComputeSignature(kUserSecret, kUser, kNow)), std::string::npos);
  }
}

TEST(IsApiUserScopeTest, OnlyTrue) {
  EXPECT_FALSE(IsApiUserScope(std::nullopt));
  EXPECT_TRUE(IsApiUserScope("True"));
  EXPECT_TRUE(IsApiUserScope("  TRUE  "));
  EXPECT_FALSE(IsApiUserScope("t rue"));
  EXPECT_FALSE(IsApiUserScope("false"));
}

// ---------------------------------------------------------------- in memory (I/O thread)

TEST_F(AuthenticatorTest, InMemoryDecidesNothingWhenCredentialsAreNotInMemory) {
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(ApiUserHeaders(kUser, kUserSecret, kNow)));
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(
      {.authorization = std::nullopt, .og_authorization = std::nullopt, .api_key = kApiKey}));
  EXPECT_EQ(source_.lookups(), 0);
  // The blocking call still decides.
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow)).ok());
}

TEST_F(AuthenticatorTest, InMemoryDecidesHeaderProblemsWithoutCredentials) {
  // No lookup is needed to refuse these, so they are decided even with nothing in memory.
  const AuthHeaders none{.authorization = std::nullopt, .og_authorization = std::nullopt,
                         .api_key = std::nullopt};
  const std::string malformed = "not json";
  const AuthHeaders cases[] = {
      none,
      {.authorization = malformed, .og_authorization = "True", .api_key = std::nullopt},
      ApiUserHeaders(kUser, kUserSecret, kNow - 7201),
      ApiUserHeaders(kUser, kUserSecret, kNow + 301),
      {.authorization = std::nullopt, .og_authorization = std::nullopt, .api_key = ""},
  };
  for (const AuthHeaders& headers : cases) {
    std::optional<Result<Principal>> decided = auth_.TryAuthenticateMerchantInMemory(headers);
    ASSERT_TRUE(decided.has_value());
    EXPECT_EQ(decided->status(), auth_.AuthenticateMerchant(headers).status());
    EXPECT_EQ(decided->status().code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(source_.lookups(), 0);
}

TEST_F(AuthenticatorTest, InMemoryAnswersAsTheBlockingCallWhenCredentialsAreInMemory) {
  source_.SetInMemory(true);
  const std::string customer = "customer-1";
  const AuthHeaders cases[] = {
      ApiUserHeaders(kUser, kUserSecret, kNow),                   // valid API user
      ApiUserHeaders(kUser, "wrong-secret", kNow),                // wrong signature
      CustomerHeaders(customer, kHashKey, kNow),                  // customer: 403
      CustomerHeaders(customer, "wrong", kNow),                   // customer, wrong: 401
      {.authorization = std::nullopt, .og_authorization = std::nullopt, .api_key = kApiKey},
  };
  for (const AuthHeaders& headers : cases) {
    std::optional<Result<Principal>> decided = auth_.TryAuthenticateMerchantInMemory(headers);
    ASSERT_TRUE(decided.has_value());
    Result<Principal> blocking = auth_.AuthenticateMerchant(headers);
    EXPECT_EQ(decided->status(), blocking.status());
    if (blocking.ok()) {
      EXPECT_EQ(**decided, *blocking);
    }
  }
  EXPECT_EQ(**auth_.TryAuthenticateMerchantInMemory(ApiUserHeaders(kUser, kUserSecret, kNow)),
            kApiUserPrincipal);
}

TEST_F(AuthenticatorTest, InMemoryLeavesUnknownCredentialsToTheBlockingCall) {
  // Unknown merchants, users and keys are never in memory: the blocking call answers them
  // (with its dummy HMAC), so the in-memory path reveals no more than it does.
  source_.SetInMemory(true);
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(
      ApiUserHeaders(kUser, kUserSecret, kNow, "True", "nobody")));
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(ApiUserHeaders("ghost", kUserSecret, kNow)));
  const std::string unknown_key = "unknown-key";
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(
      {.authorization = std::nullopt, .og_authorization = std::nullopt, .api_key = unknown_key}));
}

TEST_F(AuthenticatorTest, InMemoryLeavesStrictReplayProtectionToTheBlockingCall) {
  // Strict mode remembers every signature in the database: never decided in memory.
  model::Merchant strict = MakeMerchant(kMerchantId, kPublicId, kHashKey);
  strict.replay_protection = model::ReplayProtection::kStrict;
  source_.AddMerchant(strict);
  source_.SetInMemory(true);
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(ApiUserHeaders(kUser, kUserSecret, kNow)));
  EXPECT_FALSE(auth_.TryAuthenticateMerchantInMemory(ApiUserHeaders(kUser, "wrong", kNow)));
}

TEST_F(AuthenticatorTest, RotatedApiUserSecretWorksUntilTheOverlapEnds) {
  const UnixMicros overlap_end = (kNow + 60) * 1'000'000;
  source_.AddApiUser({.merchant_id = kMerchantId,
                      .username = kUser,
                      .secret = "new-secret",
                      .previous_secret = kUserSecret,
                      .previous_secret_expires = overlap_end});
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, "new-secret", kNow)).ok());
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow)).ok());
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, "older", kNow)).status(),
            Unauth("Invalid signature."));
  clock_.Set(overlap_end);
  EXPECT_EQ(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, kUserSecret, kNow + 60)).status(),
            Unauth("Invalid signature."));
  EXPECT_TRUE(auth_.AuthenticateMerchant(ApiUserHeaders(kUser, "new-secret", kNow + 60)).ok());
}

TEST_F(AuthenticatorTest, RotatedHashKeyWorksUntilTheOverlapEnds) {
  model::Merchant rotated = MakeMerchant(kMerchantId, kPublicId, "new-hash-key");
  rotated.previous_hash_key = kHashKey;
  rotated.previous_hash_key_expires = (kNow + 1) * 1'000'000;
  source_.AddMerchant(rotated);
  EXPECT_TRUE(auth_.Authenticate(CustomerHeaders("c1", kHashKey, kNow)).ok());
  EXPECT_TRUE(auth_.Authenticate(CustomerHeaders("c1", "new-hash-key", kNow)).ok());
  clock_.Set((kNow + 1) * 1'000'000);
  EXPECT_EQ(auth_.Authenticate(CustomerHeaders("c1", kHashKey, kNow)).status(),
            Unauth("Invalid signature."));
  // An expired previous key in memory is refused like any wrong key.
  source_.SetInMemory(true);
  std::optional<Result<Principal>> in_memory =
      auth_.TryAuthenticateMerchantInMemory(CustomerHeaders("c1", kHashKey, kNow));
  ASSERT_TRUE(in_memory.has_value());
  EXPECT_EQ(in_memory->status(), Unauth("Invalid signature."));
}

}  // namespace
}  // namespace restock::auth
