// Credentials over their lifetime in store/database.h's MerchantRepo (listing, removing,
// rotating), run against every backend.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database_fixture.h"

namespace restock::store::testing {
namespace {

class StoreCredentialRepoTest : public DatabaseFixture {
 protected:
  Status Write(const std::function<Status(MerchantRepo&)>& work) {
    return db_->RunInTransaction([&](Transaction& tx) { return work(tx.merchants()); });
  }

  template <typename T>
  T Read(const std::function<Result<T>(MerchantRepo&)>& read) {
    T out{};
    Status status = db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(out, read(tx.merchants()));
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return out;
  }

  std::vector<model::ApiKey> Keys(model::MerchantId m) {
    return Read<std::vector<model::ApiKey>>([m](MerchantRepo& r) { return r.ListApiKeys(m); });
  }
  std::optional<model::ApiUser> User(model::MerchantId m, const std::string& name) {
    return Read<std::optional<model::ApiUser>>(
        [&](MerchantRepo& r) { return r.FindApiUser(m, name); });
  }
};

TEST_P(StoreCredentialRepoTest, ApiKeysAreListedByIdAndRevokedPerMerchant) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  clock_.Set(1'800'000'000'000'000);
  for (const char* hash : {"k1", "k2"}) {
    ASSERT_EQ(
        Write([&](MerchantRepo& r) {
          return r.AddApiKey(
              {.merchant_id = a, .name = hash, .key_sha256_hex = hash, .last_used = std::nullopt});
        }),
        Status::Ok());
  }
  ASSERT_EQ(
      Write([&](MerchantRepo& r) {
        return r.AddApiKey(
            {.merchant_id = b, .name = "other", .key_sha256_hex = "k3", .last_used = std::nullopt});
      }),
      Status::Ok());
  std::vector<model::ApiKey> keys = Keys(a);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].name, "k1");
  EXPECT_EQ(keys[1].name, "k2");
  EXPECT_LT(keys[0].id, keys[1].id);
  EXPECT_EQ(keys[0].created, 1'800'000'000'000'000);
  EXPECT_EQ(keys[0].last_used, std::nullopt);

  ASSERT_EQ(Write([](MerchantRepo& r) { return r.TouchApiKey("k2", 1'800'000'001'000'000); }),
            Status::Ok());
  EXPECT_EQ(Keys(a)[1].last_used, 1'800'000'001'000'000);
  EXPECT_EQ(Write([](MerchantRepo& r) { return r.TouchApiKey("gone", 1); }), Status::Ok());

  // Another merchant's key id is not found through this merchant.
  const std::int64_t b_key = Keys(b)[0].id;
  EXPECT_EQ(Write([&](MerchantRepo& r) { return r.RemoveApiKey(a, b_key); }).code(),
            StatusCode::kNotFound);
  ASSERT_EQ(Write([&](MerchantRepo& r) { return r.RemoveApiKey(a, keys[0].id); }), Status::Ok());
  EXPECT_EQ(Write([&](MerchantRepo& r) { return r.RemoveApiKey(a, keys[0].id); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Keys(a).size(), 1u);
  EXPECT_EQ(Keys(b).size(), 1u);
  EXPECT_FALSE(Read<std::optional<model::ApiKey>>([](MerchantRepo& r) {
                 return r.FindApiKey("k1");
               }).has_value());
  std::optional<model::ApiKey> k2 =
      Read<std::optional<model::ApiKey>>([](MerchantRepo& r) { return r.FindApiKey("k2"); });
  ASSERT_TRUE(k2.has_value());
  EXPECT_EQ(k2->id, keys[1].id);
}

TEST_P(StoreCredentialRepoTest, ApiUsersAreListedRemovedAndRotated) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  clock_.Set(1'800'000'000'000'000);
  for (const char* name : {"zed", "amy"}) {
    ASSERT_EQ(Write([&](MerchantRepo& r) {
                return r.AddApiUser(
                    {.merchant_id = a, .username = name, .secret = "s", .previous_secret = {}});
              }),
              Status::Ok());
  }
  ASSERT_EQ(
      Write([&](MerchantRepo& r) {
        return r.AddApiUser(
            {.merchant_id = b, .username = "amy", .secret = "b-secret", .previous_secret = {}});
      }),
      Status::Ok());
  std::vector<model::ApiUser> users =
      Read<std::vector<model::ApiUser>>([a](MerchantRepo& r) { return r.ListApiUsers(a); });
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].username, "amy");
  EXPECT_EQ(users[1].username, "zed");
  EXPECT_EQ(users[0].created, 1'800'000'000'000'000);

  ASSERT_EQ(Write([&](MerchantRepo& r) { return r.RotateApiUserSecret(a, "amy", "s2", 500); }),
            Status::Ok());
  std::optional<model::ApiUser> amy = User(a, "amy");
  ASSERT_TRUE(amy.has_value());
  EXPECT_EQ(amy->secret, "s2");
  EXPECT_EQ(amy->previous_secret, "s");
  EXPECT_EQ(amy->previous_secret_expires, 500);
  // A second rotation keeps only the secret it replaces.
  ASSERT_EQ(Write([&](MerchantRepo& r) { return r.RotateApiUserSecret(a, "amy", "s3", 900); }),
            Status::Ok());
  amy = User(a, "amy");
  EXPECT_EQ(amy->secret, "s3");
  EXPECT_EQ(amy->previous_secret, "s2");
  EXPECT_EQ(User(b, "amy")->secret, "b-secret");  // the other merchant's user is untouched
  EXPECT_EQ(
      Write([&](MerchantRepo& r) { return r.RotateApiUserSecret(a, "nobody", "x", 1); }).code(),
      StatusCode::kNotFound);

  ASSERT_EQ(Write([&](MerchantRepo& r) { return r.RemoveApiUser(a, "amy"); }), Status::Ok());
  EXPECT_FALSE(User(a, "amy").has_value());
  EXPECT_TRUE(User(b, "amy").has_value());
  EXPECT_EQ(Write([&](MerchantRepo& r) { return r.RemoveApiUser(a, "amy"); }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreCredentialRepoTest, HashKeyRotationKeepsThePreviousKey) {
  model::MerchantId a = CreateMerchant("a");
  CreateMerchant("b");
  ASSERT_EQ(Write([&](MerchantRepo& r) { return r.RotateHashKey(a, "new-key", 777); }),
            Status::Ok());
  auto find = [&](const char* id) {
    return *Read<std::optional<model::Merchant>>(
        [id](MerchantRepo& r) { return r.FindByPublicId(id); });
  };
  model::Merchant m = find("a");
  EXPECT_EQ(m.hash_key, "new-key");
  EXPECT_EQ(m.previous_hash_key, "hash-key-a");
  EXPECT_EQ(m.previous_hash_key_expires, 777);
  EXPECT_EQ(find("b").hash_key, "hash-key-b");
  EXPECT_EQ(find("b").previous_hash_key, "");
  EXPECT_EQ(Write([](MerchantRepo& r) { return r.RotateHashKey(9999, "k", 1); }).code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCredentialRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
