// Strict replay protection in the Authenticator (auth/replay_protection.h), with the fake
// credential source and the store-backed guard over the in-memory fake database.
#include "auth/replay_protection.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/fake_credential_source.h"
#include "auth/signature.h"
#include "auth/store_replay_guard.h"
#include "core/crypto.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::auth {
namespace {

constexpr std::int64_t kNow = 1'780'000'000;
const std::string kSecret = "user-secret";
const std::string kHashKey = "hash-key";
const std::string kBody = R"([{"product_id":"P1","live":false}])";

class ReplayProtectionTest : public ::testing::Test {
 protected:
  ReplayProtectionTest()
      : clock_(kNow * 1'000'000), guard_(db_, clock_), auth_(source_, clock_, AuthWindow{}, &guard_) {
    model::Merchant strict;
    strict.id = 1;
    strict.public_id = "strict";
    strict.hash_key = kHashKey;
    strict.replay_protection = model::ReplayProtection::kStrict;
    source_.AddMerchant(strict);
    model::Merchant open = strict;
    open.id = 2;
    open.public_id = "open";
    open.replay_protection = model::ReplayProtection::kOff;
    source_.AddMerchant(open);
    source_.AddApiUser(
        {.merchant_id = 1, .username = "u", .secret = kSecret, .previous_secret = {}});
    source_.AddApiUser(
        {.merchant_id = 2, .username = "u", .secret = kSecret, .previous_secret = {}});
  }

  AuthHeaders Headers(const std::string& public_id, std::int64_t ts,
                      std::optional<std::string> body_sig, std::string_view body = kBody) {
    const std::string& h = keep_.emplace_back(SignedAuthorizationHeader(public_id, "u", kSecret, ts));
    AuthHeaders headers{.authorization = h, .og_authorization = "True", .api_key = std::nullopt};
    if (body_sig) headers.body_signature = keep_.emplace_back(*body_sig);
    headers.body = body;
    return headers;
  }
  static std::string Sig(std::int64_t ts, std::string_view body = kBody,
                         const std::string& secret = kSecret) {
    return "ts=" + std::to_string(ts) + ",sig=" + ComputeBodySignature(secret, ts, body);
  }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  StoreReplayGuard guard_;
  FakeCredentialSource source_;
  Authenticator auth_;
  std::deque<std::string> keep_;
};

TEST(BodySignatureTest, MatchesAnIndependentHmacOfTsDotBody) {
  // hex(HMAC-SHA256("key", "1700000000.{}")), computed with openssl dgst -sha256 -hmac key.
  EXPECT_EQ(ComputeBodySignature("key", 1700000000, "{}"),
            HexEncode(HmacSha256("key", "1700000000.{}")));
  EXPECT_EQ(ComputeBodySignature("key", 1, "").size(), 64u);
}

TEST(BodySignatureTest, ParsesTheHeader) {
  const std::string hex(64, 'a');
  auto parsed = ParseBodySignatureHeader(" ts=17 , sig=" + std::string(64, 'A'));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ts, 17);
  EXPECT_EQ(parsed->sig_hex, hex);
  EXPECT_TRUE(ParseBodySignatureHeader("sig=" + hex + ",ts=1").ok());
  for (const std::string& bad : std::vector<std::string>{
           "", "ts=1", "sig=" + hex, "ts=,sig=" + hex, "ts=-1,sig=" + hex,
        "ts=1,sig=" + hex + "0", "ts=1,sig=" + std::string(64, 'g'), "ts=1,ts=2,sig=" + hex,
        "ts=1,sig=" + hex + ",x=1", "ts=1;sig=" + hex, "ts=1234567890123456789,sig=" + hex}) {
    EXPECT_EQ(ParseBodySignatureHeader(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(ReplayProtectionTest, StrictAcceptsOnceThenRefusesTheReplay) {
  AuthHeaders h = Headers("strict", kNow, Sig(kNow));
  ASSERT_TRUE(auth_.AuthenticateMerchant(h).ok());
  EXPECT_EQ(auth_.AuthenticateMerchant(h).status(), UnauthenticatedError("Signature already used."));
  EXPECT_EQ(db_.state().seen_signatures.size(), 1u);
  // The stored digest is not the signature.
  EXPECT_EQ(db_.state().seen_signatures.begin()->first.second.find(
                ComputeBodySignature(kSecret, kNow, kBody)),
            std::string::npos);
}

TEST_F(ReplayProtectionTest, StrictRefusesMissingWrongOrMismatchedBodySignatures) {
  EXPECT_EQ(auth_.AuthenticateMerchant(Headers("strict", kNow, std::nullopt)).status(),
            UnauthenticatedError("Body signature required."));
  EXPECT_EQ(auth_.AuthenticateMerchant(Headers("strict", kNow, "ts=1")).status(),
            UnauthenticatedError("Malformed X-Restock-Signature header."));
  EXPECT_EQ(auth_.AuthenticateMerchant(Headers("strict", kNow, Sig(kNow - 1))).status(),
            UnauthenticatedError("Body signature ts does not match."));
  EXPECT_EQ(auth_.AuthenticateMerchant(Headers("strict", kNow, Sig(kNow), "[]")).status(),
            UnauthenticatedError("Invalid body signature."));
  EXPECT_EQ(
      auth_.AuthenticateMerchant(Headers("strict", kNow, Sig(kNow, kBody, "other"))).status(),
      UnauthenticatedError("Invalid body signature."));
  EXPECT_TRUE(db_.state().seen_signatures.empty()) << "refused requests are not remembered";
}

TEST_F(ReplayProtectionTest, InvalidAuthorizationSignatureIsCheckedFirst) {
  AuthHeaders h = Headers("strict", kNow, Sig(kNow));
  const std::string& bad = keep_.emplace_back(SignedAuthorizationHeader("strict", "u", "nope", kNow));
  h.authorization = bad;
  EXPECT_EQ(auth_.AuthenticateMerchant(h).status(), UnauthenticatedError("Invalid signature."));
  EXPECT_TRUE(db_.state().seen_signatures.empty());
}

TEST_F(ReplayProtectionTest, CompatibleMerchantIgnoresBodySignatures) {
  AuthHeaders h = Headers("open", kNow, std::nullopt);
  EXPECT_TRUE(auth_.AuthenticateMerchant(h).ok());
  EXPECT_TRUE(auth_.AuthenticateMerchant(h).ok());
  EXPECT_TRUE(auth_.AuthenticateMerchant(Headers("open", kNow, "garbage")).ok());
  EXPECT_TRUE(db_.state().seen_signatures.empty());
}

TEST_F(ReplayProtectionTest, EntriesExpireWithTheWindowAndAreCleanedUp) {
  AuthHeaders h = Headers("strict", kNow, Sig(kNow));
  ASSERT_TRUE(auth_.AuthenticateMerchant(h).ok());
  ASSERT_EQ(db_.state().seen_signatures.size(), 1u);
  const UnixMicros expires = db_.state().seen_signatures.begin()->second;
  EXPECT_EQ(expires, (kNow + AuthWindow{}.max_age_seconds + 1) * 1'000'000);
  // Past the window the header is expired anyway; cleanup removes the entry.
  clock_.AdvanceSeconds(AuthWindow{}.max_age_seconds + 1);
  EXPECT_EQ(auth_.AuthenticateMerchant(h).status(), UnauthenticatedError("Signature expired."));
  for (int i = 0; i < 256; ++i) {
    const std::int64_t ts = clock_.NowSeconds() - i;
    ASSERT_TRUE(auth_.AuthenticateMerchant(Headers("strict", ts, Sig(ts))).ok()) << i;
  }
  EXPECT_EQ(db_.state().seen_signatures.size(), 256u) << "the expired entry was deleted";
}

TEST_F(ReplayProtectionTest, StrictWithoutAGuardIsAnInternalError) {
  Authenticator no_guard(source_, clock_, AuthWindow{});
  EXPECT_EQ(no_guard.AuthenticateMerchant(Headers("strict", kNow, Sig(kNow))).status().code(),
            StatusCode::kInternal);
}

}  // namespace
}  // namespace restock::auth
