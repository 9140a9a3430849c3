#include "auth/store_credential_source.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/ttl_cache.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::auth {
namespace {

model::Merchant MakeMerchant(model::MerchantId id, std::string public_id, std::string hash_key) {
  model::Merchant m;
  m.id = id;
  m.public_id = std::move(public_id);
  m.hash_key = std::move(hash_key);
  return m;
}

using std::chrono::seconds;

class StoreCredentialSourceTest : public ::testing::Test {
 protected:
  StoreCredentialSourceTest() {
    testing::FakeState& repo = db_.state();
    repo.merchants["acme"] = MakeMerchant(7, "acme", "hk");
    repo.api_users[{7, "bob"}] = {
        .merchant_id = 7, .username = "bob", .secret = "s", .previous_secret = {}};
    repo.api_keys["abc123"] = {
        .merchant_id = 7, .name = "erp", .key_sha256_hex = "abc123", .last_used = std::nullopt};
  }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  StoreCredentialSource source_{db_, clock_, seconds(5)};
};

TEST_F(StoreCredentialSourceTest, ReadsThroughTheDatabase) {
  Result<std::optional<model::Merchant>> m = source_.FindMerchant("acme");
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->id, 7);
  Result<std::optional<model::ApiUser>> u = source_.FindApiUser(7, "bob");
  ASSERT_TRUE(u.ok() && u->has_value());
  EXPECT_EQ((*u)->secret, "s");
  Result<std::optional<model::ApiKey>> k = source_.FindApiKey("abc123");
  ASSERT_TRUE(k.ok() && k->has_value());
  EXPECT_EQ((*k)->name, "erp");
  EXPECT_EQ(db_.reads, 3);
}

TEST_F(StoreCredentialSourceTest, AbsentIsNotAnError) {
  EXPECT_FALSE(source_.FindMerchant("nobody")->has_value());
  EXPECT_FALSE(source_.FindApiUser(8, "bob")->has_value());  // right name, other merchant
  EXPECT_FALSE(source_.FindApiKey("ffff")->has_value());
}

TEST_F(StoreCredentialSourceTest, HitsAreCachedUntilTtl) {
  ASSERT_TRUE(source_.FindMerchant("acme").ok());
  ASSERT_TRUE(source_.FindApiUser(7, "bob").ok());
  ASSERT_TRUE(source_.FindApiKey("abc123").ok());
  EXPECT_EQ(db_.reads, 3);
  clock_.AdvanceSeconds(4);
  // A revoked credential is still served from the cache within the TTL (documented).
  db_.state().api_users.clear();
  EXPECT_TRUE(source_.FindMerchant("acme")->has_value());
  EXPECT_TRUE(source_.FindApiUser(7, "bob")->has_value());
  EXPECT_TRUE(source_.FindApiKey("abc123")->has_value());
  EXPECT_EQ(db_.reads, 3);
  clock_.AdvanceSeconds(1);
  EXPECT_FALSE(source_.FindApiUser(7, "bob")->has_value());
  EXPECT_EQ(db_.reads, 4);
}

TEST_F(StoreCredentialSourceTest, MissesAreNotCached) {
  EXPECT_FALSE(source_.FindMerchant("new")->has_value());
  db_.state().merchants["new"] = MakeMerchant(9, "new", "");
  EXPECT_TRUE(source_.FindMerchant("new")->has_value());
  EXPECT_EQ(db_.reads, 2);
}

TEST_F(StoreCredentialSourceTest, ErrorsPassedThroughAndNotCached) {
  db_.read_failure = UnavailableError("database unavailable");
  EXPECT_EQ(source_.FindMerchant("acme").status(), UnavailableError("database unavailable"));
  EXPECT_EQ(source_.FindApiUser(7, "bob").status(), UnavailableError("database unavailable"));
  EXPECT_EQ(source_.FindApiKey("abc123").status(), UnavailableError("database unavailable"));
  db_.read_failure = Status::Ok();
  EXPECT_TRUE(source_.FindMerchant("acme")->has_value());
}

TEST_F(StoreCredentialSourceTest, ZeroTtlDisablesCaching) {
  StoreCredentialSource uncached(db_, clock_, seconds(0));
  ASSERT_TRUE(uncached.FindMerchant("acme").ok());
  ASSERT_TRUE(uncached.FindMerchant("acme").ok());
  EXPECT_EQ(db_.reads, 2);
}

TEST_F(StoreCredentialSourceTest, CachedLookupsAnswerFromTheCacheOnly) {
  EXPECT_FALSE(source_.CachedMerchant("acme"));
  EXPECT_FALSE(source_.CachedApiUser(7, "bob"));
  EXPECT_FALSE(source_.CachedApiKey("abc123"));
  EXPECT_EQ(db_.reads, 0);
  ASSERT_TRUE(source_.FindMerchant("acme").ok());
  ASSERT_TRUE(source_.FindApiUser(7, "bob").ok());
  ASSERT_TRUE(source_.FindApiKey("abc123").ok());
  ASSERT_TRUE(source_.CachedMerchant("acme"));
  EXPECT_EQ(source_.CachedMerchant("acme")->id, 7);
  ASSERT_TRUE(source_.CachedApiUser(7, "bob"));
  EXPECT_EQ(source_.CachedApiUser(7, "bob")->secret, "s");
  EXPECT_FALSE(source_.CachedApiUser(8, "bob"));
  ASSERT_TRUE(source_.CachedApiKey("abc123"));
  EXPECT_EQ(db_.reads, 3);
  clock_.AdvanceSeconds(5);  // expired: the cache no longer answers
  EXPECT_FALSE(source_.CachedMerchant("acme"));
  EXPECT_FALSE(source_.CachedApiUser(7, "bob"));
  EXPECT_FALSE(source_.CachedApiKey("abc123"));
  EXPECT_EQ(db_.reads, 3);
}

TEST_F(StoreCredentialSourceTest, UserCacheKeyIsPerMerchant) {
  db_.state().api_users[{77, "bob"}] = {
      .merchant_id = 77, .username = "bob", .secret = "t", .previous_secret = {}};
  EXPECT_EQ((*source_.FindApiUser(7, "bob"))->secret, "s");
  EXPECT_EQ((*source_.FindApiUser(77, "bob"))->secret, "t");
}

TEST_F(StoreCredentialSourceTest, RevokedKeyIsRefusedOnceTheCacheExpires) {
  ASSERT_TRUE(source_.FindApiKey("abc123")->has_value());
  db_.state().api_keys.erase("abc123");
  EXPECT_TRUE(source_.FindApiKey("abc123")->has_value()) << "cached for the ttl";
  clock_.AdvanceSeconds(5);
  EXPECT_FALSE(source_.FindApiKey("abc123")->has_value());
}

TEST_F(StoreCredentialSourceTest, KeyReadsRecordLastUsedAtMostOncePerResolution) {
  clock_.Set(1'800'000'000'000'000);
  ASSERT_TRUE(source_.FindApiKey("abc123").ok());
  EXPECT_EQ(db_.state().api_keys["abc123"].last_used, 1'800'000'000'000'000);
  EXPECT_EQ(db_.submits, 1);
  clock_.AdvanceSeconds(5);  // a miss, but last_used is recent enough
  ASSERT_TRUE(source_.FindApiKey("abc123").ok());
  EXPECT_EQ(db_.submits, 1);
  clock_.AdvanceSeconds(StoreCredentialSource::kLastUsedResolution.count());
  ASSERT_TRUE(source_.FindApiKey("abc123").ok());
  EXPECT_EQ(db_.submits, 2);
  EXPECT_EQ(db_.state().api_keys["abc123"].last_used,
            1'800'000'005'000'000 + StoreCredentialSource::kLastUsedResolution.count() * 1'000'000);
}

TEST(TtlCacheTest, ExpiresAfterTtl) {
  testing::FakeClock clock;
  internal::TtlCache<int> cache(clock, 5'000'000, 10);
  cache.Put("a", 1);
  EXPECT_EQ(cache.Get("a"), 1);
  clock.AdvanceSeconds(5);
  EXPECT_EQ(cache.Get("a"), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TtlCacheTest, PutReplaces) {
  testing::FakeClock clock;
  internal::TtlCache<int> cache(clock, 5'000'000, 10);
  cache.Put("a", 1);
  cache.Put("a", 2);
  EXPECT_EQ(cache.Get("a"), 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(TtlCacheTest, NeverExceedsMaxEntries) {
  testing::FakeClock clock;
  internal::TtlCache<int> cache(clock, 5'000'000, 3);
  for (int i = 0; i < 100; ++i) {
    cache.Put(std::to_string(i), i);
    EXPECT_LE(cache.size(), 3u);
  }
  EXPECT_EQ(cache.Get("99"), 99);  // the newest entry is always kept
}

TEST(TtlCacheTest, FullCacheDropsExpiredEntriesFirst) {
  testing::FakeClock clock;
  internal::TtlCache<int> cache(clock, 5'000'000, 2);
  cache.Put("old", 1);
  clock.AdvanceSeconds(3);
  cache.Put("fresh", 2);
  clock.AdvanceSeconds(3);  // "old" has expired, "fresh" has not
  cache.Put("new", 3);
  EXPECT_EQ(cache.Get("fresh"), 2);
  EXPECT_EQ(cache.Get("new"), 3);
}

}  // namespace
}  // namespace restock::auth
