#include "webhooks/signature.h"

#include <gtest/gtest.h>

namespace restock::webhooks {
namespace {

// Expected values computed independently with Python:
//   hmac.new(key, b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
constexpr const char* kSigK1 = "11848eead2a7a86e00da0aae3ffa13e2b545d9799002e3c79339624330f9c93f";
constexpr const char* kSigOld = "47c571698e98425460d746932d22d726c8fd3673b1bf4735e4427ac66e2ac5e6";

TEST(SignatureTest, HeaderIsTsThenHexHmacOfTsDotBody) {
  EXPECT_EQ(SignatureHeaderValue({"whsec_k1"}, 1700000000, R"({"a":1})"),
            std::string("ts=1700000000,sig=") + kSigK1);
}

TEST(SignatureTest, RotationAddsTheOldSecretsSignatureSecond) {
  EXPECT_EQ(SignatureHeaderValue({"whsec_k1", "old_key"}, 1700000000, R"({"a":1})"),
            std::string("ts=1700000000,sig=") + kSigK1 + ",sig=" + kSigOld);
}

TEST(SignatureTest, AnyChangeOfBodyOrTsChangesTheSignature) {
  std::string base = SignatureHeaderValue({"k"}, 1, "body");
  EXPECT_NE(base, SignatureHeaderValue({"k"}, 1, "body "));
  EXPECT_NE(base.substr(base.find("sig=")), SignatureHeaderValue({"k"}, 2, "body").substr(6));
}

TEST(SignatureTest, PreviousSecretSignsOnlyUntilItExpires) {
  model::WebhookEndpoint e;
  e.secret = "new";
  EXPECT_EQ(SigningSecrets(e, 100), std::vector<std::string>{"new"});
  e.previous_secret = "old";
  e.previous_secret_expires = 200;
  EXPECT_EQ(SigningSecrets(e, 199), (std::vector<std::string>{"new", "old"}));
  EXPECT_EQ(SigningSecrets(e, 200), std::vector<std::string>{"new"});
}

}  // namespace
}  // namespace restock::webhooks
