// Idempotency-Key storage (store/idempotency_repo.h), run against every backend.
#include <gtest/gtest.h>

#include "store/database_fixture.h"

namespace restock::store::testing {
namespace {

class StoreIdempotencyRepoTest : public DatabaseFixture {
 protected:
  Status Store(model::MerchantId m, const std::string& key, const IdempotentResponse& r,
               UnixMicros now, UnixMicros expires) {
    return db_->RunInTransaction(
        [&](Transaction& tx) { return tx.idempotency_keys().Store(m, key, r, now, expires); });
  }

  std::optional<IdempotentResponse> Find(model::MerchantId m, const std::string& key,
                                         UnixMicros now) {
    std::optional<IdempotentResponse> out;
    EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(out, tx.idempotency_keys().Find(m, key, now));
      return Status::Ok();
    }),
              Status::Ok());
    return out;
  }

  std::size_t DeleteExpired(UnixMicros now, std::size_t limit) {
    std::size_t deleted = 0;
    EXPECT_EQ(db_->RunInTransaction([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(deleted, tx.idempotency_keys().DeleteExpired(now, limit));
      return Status::Ok();
    }),
              Status::Ok());
    return deleted;
  }
};

TEST_P(StoreIdempotencyRepoTest, StoredAnswerIsFoundUntilItExpires) {
  model::MerchantId m = CreateMerchant("m");
  const std::string body = "{\"results\":[{\"product_id\":\"caf\xc3\xa9\",\"status\":200}]}";
  ASSERT_EQ(Store(m, "key 1", {"hash", 207, body}, 1000, 5000), Status::Ok());
  Reopen();
  auto found = Find(m, "key 1", 4999);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->request_hash, "hash");
  EXPECT_EQ(found->status, 207);
  EXPECT_EQ(found->body, body);
  EXPECT_FALSE(Find(m, "key 1", 5000).has_value());
  EXPECT_FALSE(Find(m, "KEY 1", 1000).has_value()) << "keys are case-sensitive";
}

TEST_P(StoreIdempotencyRepoTest, AnUnexpiredKeyIsAlreadyExistsAndAnExpiredOneIsOverwritten) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(Store(m, "k", {"h1", 207, "first"}, 1000, 5000), Status::Ok());
  EXPECT_EQ(Store(m, "k", {"h2", 207, "second"}, 4999, 9000).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Find(m, "k", 2000)->body, "first");
  ASSERT_EQ(Store(m, "k", {"h2", 207, "second"}, 5000, 9000), Status::Ok());
  EXPECT_EQ(Find(m, "k", 8999)->request_hash, "h2");
}

TEST_P(StoreIdempotencyRepoTest, KeysArePerMerchantAndRollBackWithTheirTransaction) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  ASSERT_EQ(Store(a, "k", {"h", 207, "a"}, 0, 100), Status::Ok());
  ASSERT_EQ(Store(b, "k", {"h", 207, "b"}, 0, 100), Status::Ok());
  EXPECT_EQ(Find(b, "k", 0)->body, "b");
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(tx.idempotency_keys().Store(a, "gone", {"h", 207, "x"}, 0, 100));
    return AbortedError("caller gave up");
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_FALSE(Find(a, "gone", 0).has_value());
}

TEST_P(StoreIdempotencyRepoTest, DeleteExpiredRemovesOnlyExpiredUpToLimit) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  ASSERT_EQ(Store(a, "old1", {"h", 207, ""}, 0, 100), Status::Ok());
  ASSERT_EQ(Store(b, "old2", {"h", 207, ""}, 0, 200), Status::Ok());
  ASSERT_EQ(Store(a, "new", {"h", 207, ""}, 0, 10'000), Status::Ok());
  EXPECT_EQ(DeleteExpired(200, 1), 1u);
  EXPECT_EQ(DeleteExpired(200, 10), 1u);
  EXPECT_EQ(DeleteExpired(200, 10), 0u);
  EXPECT_TRUE(Find(a, "new", 300).has_value());
}

TEST_P(StoreIdempotencyRepoTest, KeyLengthIsChecked) {
  model::MerchantId m = CreateMerchant("m");
  EXPECT_EQ(Store(m, "", {"h", 207, ""}, 0, 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store(m, std::string(256, 'k'), {"h", 207, ""}, 0, 1).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Store(m, std::string(255, 'k'), {"h", 207, ""}, 0, 1), Status::Ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreIdempotencyRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
