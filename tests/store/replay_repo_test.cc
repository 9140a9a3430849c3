// Replay protection storage (store/replay_repos.h and the merchant's mode), run against every
// backend.
#include <gtest/gtest.h>

#include "store/database_fixture.h"

namespace restock::store::testing {
namespace {

class StoreReplayRepoTest : public DatabaseFixture {
 protected:
  // Remembers in its own transaction; returns the repo's answer or fails the test.
  bool Remember(model::MerchantId m, const std::string& digest, UnixMicros now,
                UnixMicros expires) {
    bool fresh = false;
    Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(fresh, tx.seen_signatures().Remember(m, digest, now, expires));
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return fresh;
  }

  std::size_t DeleteExpired(UnixMicros now, std::size_t limit) {
    std::size_t deleted = 0;
    Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(deleted, tx.seen_signatures().DeleteExpired(now, limit));
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return deleted;
  }

  model::Merchant Read(const std::string& public_id) {
    model::Merchant out;
    EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(auto found, tx.merchants().FindByPublicId(public_id));
      EXPECT_TRUE(found.has_value());
      if (found) out = *found;
      return Status::Ok();
    }),
              Status::Ok());
    return out;
  }
};

TEST_P(StoreReplayRepoTest, MerchantReplayProtectionDefaultsOffAndCanBeSet) {
  model::MerchantId id = CreateMerchant("acme");
  EXPECT_EQ(Read("acme").replay_protection, model::ReplayProtection::kOff);
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().SetReplayProtection(id, model::ReplayProtection::kStrict);
  }),
            Status::Ok());
  EXPECT_EQ(Read("acme").replay_protection, model::ReplayProtection::kStrict);
  Reopen();
  EXPECT_EQ(Read("acme").replay_protection, model::ReplayProtection::kStrict);
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().SetReplayProtection(id, model::ReplayProtection::kOff);
  }),
            Status::Ok());
  EXPECT_EQ(Read("acme").replay_protection, model::ReplayProtection::kOff);
}

TEST_P(StoreReplayRepoTest, MerchantCreatedStrictIsReadBackStrict) {
  model::Merchant m = MakeMerchant("strict");
  m.replay_protection = model::ReplayProtection::kStrict;
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) { return tx.merchants().Create(m).status(); }),
            Status::Ok());
  EXPECT_EQ(Read("strict").replay_protection, model::ReplayProtection::kStrict);
  EXPECT_EQ(Read("strict").oos_policy, m.oos_policy);
}

TEST_P(StoreReplayRepoTest, SetReplayProtectionOfUnknownMerchantIsNotFound) {
  Status status = db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().SetReplayProtection(12345, model::ReplayProtection::kStrict);
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
}

TEST_P(StoreReplayRepoTest, RememberIsTrueOnceThenFalseUntilExpiry) {
  model::MerchantId m = CreateMerchant("m");
  EXPECT_TRUE(Remember(m, "d1", 1000, 5000));
  EXPECT_FALSE(Remember(m, "d1", 1001, 6000));
  EXPECT_FALSE(Remember(m, "d1", 4999, 6000));
  // Survives a restart.
  Reopen();
  EXPECT_FALSE(Remember(m, "d1", 2000, 6000));
  // Expired at 5000: the digest counts as new again, with the new expiry.
  EXPECT_TRUE(Remember(m, "d1", 5000, 9000));
  EXPECT_FALSE(Remember(m, "d1", 8999, 9500));
}

TEST_P(StoreReplayRepoTest, DigestsAreKeptPerMerchant) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  EXPECT_TRUE(Remember(a, "same", 1000, 5000));
  EXPECT_TRUE(Remember(b, "same", 1000, 5000));
  EXPECT_FALSE(Remember(a, "same", 1000, 5000));
  EXPECT_FALSE(Remember(b, "same", 1000, 5000));
}

TEST_P(StoreReplayRepoTest, RememberRolledBackIsForgotten) {
  model::MerchantId m = CreateMerchant("m");
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(bool fresh, tx.seen_signatures().Remember(m, "d", 1000, 5000));
    EXPECT_TRUE(fresh);
    return AbortedError("caller gave up");
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_TRUE(Remember(m, "d", 1000, 5000));
}

TEST_P(StoreReplayRepoTest, DeleteExpiredRemovesOnlyExpiredUpToLimit) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  EXPECT_TRUE(Remember(a, "old1", 0, 100));
  EXPECT_TRUE(Remember(a, "old2", 0, 200));
  EXPECT_TRUE(Remember(b, "old3", 0, 300));
  EXPECT_TRUE(Remember(a, "new", 0, 10'000));
  EXPECT_EQ(DeleteExpired(300, 2), 2u);
  EXPECT_EQ(DeleteExpired(300, 10), 1u);
  EXPECT_EQ(DeleteExpired(300, 10), 0u);
  // The unexpired one is still remembered; the deleted ones are gone (new again even before
  // their old expiry, since the rows are gone).
  EXPECT_FALSE(Remember(a, "new", 400, 10'000));
  EXPECT_TRUE(Remember(a, "old1", 50, 100));
}

TEST_P(StoreReplayRepoTest, RememberRejectsEmptyOrOversizedDigest) {
  model::MerchantId m = CreateMerchant("m");
  Status empty = db_->RunInTransaction(
      [&](Transaction& tx) { return tx.seen_signatures().Remember(m, "", 0, 1).status(); });
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  Status big = db_->RunInTransaction([&](Transaction& tx) {
    return tx.seen_signatures().Remember(m, std::string(129, 'x'), 0, 1).status();
  });
  EXPECT_EQ(big.code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreReplayRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
