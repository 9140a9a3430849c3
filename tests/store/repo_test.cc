// The repositories of store/database.h, run against every backend.
#include <gtest/gtest.h>

#include <string_view>

#include "store/database_fixture.h"

namespace restock::store::testing {
namespace {

using model::Product;

class StoreRepoTest : public DatabaseFixture {};

TEST_P(StoreRepoTest, MigrateTwiceIsIdempotent) {
  EXPECT_EQ(db_->Migrate(), Status::Ok());
  EXPECT_EQ(db_->Migrate(), Status::Ok());
  EXPECT_NE(CreateMerchant("m1"), 0);
}

TEST_P(StoreRepoTest, MerchantCreateThenFindByPublicId) {
  model::MerchantId id = CreateMerchant("acme");
  ASSERT_NE(id, 0);
  Status status = db_->RunReadOnly([&](Transaction& tx) -> Status {
    auto found = tx.merchants().FindByPublicId("acme");
    EXPECT_TRUE(found.ok());
    EXPECT_TRUE(found->has_value());
    const model::Merchant& m = found->value();
    model::Merchant want = MakeMerchant("acme");
    EXPECT_EQ(m.id, id);
    EXPECT_EQ(m.public_id, want.public_id);
    EXPECT_EQ(m.name, want.name);
    EXPECT_EQ(m.hash_key, want.hash_key);
    EXPECT_EQ(m.timezone, want.timezone);
    EXPECT_EQ(m.oos_policy, want.oos_policy);
    EXPECT_EQ(m.created, want.created);
    auto missing = tx.merchants().FindByPublicId("nobody");
    EXPECT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
    return Status::Ok();
  });
  EXPECT_EQ(status, Status::Ok());
}

TEST_P(StoreRepoTest, MerchantDuplicatePublicIdIsAlreadyExists) {
  CreateMerchant("acme");
  Status status = db_->RunInTransaction(
      [&](Transaction& tx) { return tx.merchants().Create(MakeMerchant("acme")).status(); });
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message().find("acme"), std::string::npos) << "no values in messages";
  EXPECT_EQ(status.message().find("INSERT"), std::string::npos) << "no SQL in messages";
}

TEST_P(StoreRepoTest, ApiUserAddFindAndDuplicate) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().AddApiUser(
        {.merchant_id = a, .username = "ops", .secret = "s3cret", .previous_secret = {}});
  }),
            Status::Ok());
  // The same username under another merchant is a different user.
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().AddApiUser(
        {.merchant_id = b, .username = "ops", .secret = "other", .previous_secret = {}});
  }),
            Status::Ok());
  Status duplicate = db_->RunInTransaction([&](Transaction& tx) {
    return tx.merchants().AddApiUser(
        {.merchant_id = a, .username = "ops", .secret = "x", .previous_secret = {}});
  });
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists);

  EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    auto user = tx.merchants().FindApiUser(a, "ops");
    EXPECT_TRUE(user.ok() && user->has_value());
    EXPECT_EQ((*user)->merchant_id, a);
    EXPECT_EQ((*user)->username, "ops");
    EXPECT_EQ((*user)->secret, "s3cret");
    auto missing = tx.merchants().FindApiUser(a, "nobody");
    EXPECT_TRUE(missing.ok() && !missing->has_value());
    return Status::Ok();
  }),
            Status::Ok());
}

TEST_P(StoreRepoTest, ApiKeyAddFindAndDuplicate) {
  model::MerchantId a = CreateMerchant("a");
  std::string hash(64, 'f');
  model::ApiKey key{
      .merchant_id = a, .name = "integration", .key_sha256_hex = hash, .last_used = std::nullopt};
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) { return tx.merchants().AddApiKey(key); }),
            Status::Ok());
  Status duplicate =
      db_->RunInTransaction([&](Transaction& tx) { return tx.merchants().AddApiKey(key); });
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists);

  EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    auto found = tx.merchants().FindApiKey(hash);
    EXPECT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->merchant_id, a);
    EXPECT_EQ((*found)->name, "integration");
    EXPECT_EQ((*found)->key_sha256_hex, hash);
    auto missing = tx.merchants().FindApiKey(std::string(64, '0'));
    EXPECT_TRUE(missing.ok() && !missing->has_value());
    return Status::Ok();
  }),
            Status::Ok());
}

TEST_P(StoreRepoTest, ProductInsertThenFindRoundTripsEveryField) {
  model::MerchantId m = CreateMerchant("m");
  Product full = MakeProduct("p1");
  Product sparse = MakeProduct("p2");
  sparse.price_cents.reset();
  sparse.inventory.reset();
  sparse.low_stock_threshold.reset();
  sparse.live = false;
  sparse.discontinued = true;
  sparse.autoship_enabled = false;
  sparse.name = "Caf\xC3\xA9 \xE2\x98\x95";  // UTF-8 survives
  ASSERT_EQ(InsertProducts(m, {full, sparse}), Status::Ok());
  EXPECT_EQ(ReadProduct(m, "p1"), full);
  EXPECT_EQ(ReadProduct(m, "p2"), sparse);
  EXPECT_EQ(ReadProduct(m, "p3"), std::nullopt);
}

TEST_P(StoreRepoTest, ProductsAreScopedByMerchant) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  ASSERT_EQ(InsertProducts(a, {MakeProduct("p1")}), Status::Ok());
  EXPECT_EQ(ReadProduct(b, "p1"), std::nullopt);
  // The same external id under another merchant is another product.
  EXPECT_EQ(InsertProducts(b, {MakeProduct("p1")}), Status::Ok());
}

TEST_P(StoreRepoTest, FindManyIsAlignedWithRepeatsAndMissingIds) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1"), MakeProduct("p2")}), Status::Ok());
  std::vector<std::string_view> ids = {"p2", "missing", "p1", "p2", ""};
  EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    auto found = tx.products().FindMany(m, ids);
    EXPECT_TRUE(found.ok());
    EXPECT_EQ(found->size(), ids.size());
    EXPECT_EQ((*found)[0], MakeProduct("p2"));
    EXPECT_EQ((*found)[1], std::nullopt);
    EXPECT_EQ((*found)[2], MakeProduct("p1"));
    EXPECT_EQ((*found)[3], MakeProduct("p2"));
    EXPECT_EQ((*found)[4], std::nullopt);
    auto none = tx.products().FindMany(m, {});
    EXPECT_TRUE(none.ok() && none->empty());
    return Status::Ok();
  }),
            Status::Ok());
}

TEST_P(StoreRepoTest, InsertDuplicateIsAlreadyExistsAndWritesNothing) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1")}), Status::Ok());
  // The work ignores the error and commits: the batch itself must be all-or-nothing.
  Status insert;
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    insert = tx.products().Insert(m, std::vector<Product>{MakeProduct("p2"), MakeProduct("p1")});
    return Status::Ok();
  }),
            Status::Ok());
  EXPECT_EQ(insert.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadProduct(m, "p2"), std::nullopt);
}

TEST_P(StoreRepoTest, UpdateOverwritesExistingProducts) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1"), MakeProduct("p2")}), Status::Ok());
  Product changed = MakeProduct("p1");
  changed.live = false;
  changed.inventory.reset();
  changed.price_cents = 5;
  changed.name = "Renamed";
  changed.last_update += 1000;
  ASSERT_EQ(db_->RunInTransaction(
                [&](Transaction& tx) { return tx.products().Update(m, std::span(&changed, 1)); }),
            Status::Ok());
  EXPECT_EQ(ReadProduct(m, "p1"), changed);
  EXPECT_EQ(ReadProduct(m, "p2"), MakeProduct("p2"));
}

TEST_P(StoreRepoTest, UpdateOfMissingProductIsInternalAndWritesNothing) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1")}), Status::Ok());
  Product changed = MakeProduct("p1");
  changed.live = false;
  Status update;
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) {
    update = tx.products().Update(m, std::vector<Product>{changed, MakeProduct("ghost")});
    return Status::Ok();
  }),
            Status::Ok());
  EXPECT_EQ(update.code(), StatusCode::kInternal);
  EXPECT_EQ(ReadProduct(m, "p1"), MakeProduct("p1"));
  EXPECT_EQ(ReadProduct(m, "ghost"), std::nullopt);
}

model::StockEvent MakeEvent(model::MerchantId m, std::string product_id, bool live,
                            UnixMicros created) {
  model::StockEvent e;
  e.merchant_id = m;
  e.product_id = std::move(product_id);
  e.previous = {.live = !live, .discontinued = false, .inventory = std::nullopt};
  e.current = {.live = live, .discontinued = true, .inventory = live ? 5 : 0};
  e.source = live ? model::StockSource::kFeed : model::StockSource::kPlacement;
  e.created = created;
  return e;
}

TEST_P(StoreRepoTest, StockEventsListNewestFirstWithLimit) {
  model::MerchantId m = CreateMerchant("m");
  ASSERT_EQ(InsertProducts(m, {MakeProduct("p1"), MakeProduct("p2")}), Status::Ok());
  std::vector<model::StockEvent> events = {
      MakeEvent(m, "p1", false, 100), MakeEvent(m, "p2", false, 150), MakeEvent(m, "p1", true, 200),
      MakeEvent(m, "p1", false, 300)};
  ASSERT_EQ(
      db_->RunInTransaction([&](Transaction& tx) { return tx.stock_events().Append(events); }),
      Status::Ok());
  EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    auto listed = tx.stock_events().ListForProduct(m, "p1", 10);
    EXPECT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), 3u);
    const std::vector<std::size_t> want = {3, 2, 0};  // indexes into `events`
    for (std::size_t i = 0; i < listed->size() && i < want.size(); ++i) {
      const model::StockEvent& got = (*listed)[i];
      const model::StockEvent& exp = events[want[i]];
      EXPECT_EQ(got.merchant_id, m);
      EXPECT_EQ(got.product_id, "p1");
      EXPECT_EQ(got.previous, exp.previous);
      EXPECT_EQ(got.current, exp.current);
      EXPECT_EQ(got.source, exp.source);
      EXPECT_EQ(got.created, exp.created);
      if (i > 0) {
        EXPECT_LT(got.id, (*listed)[i - 1].id);
      }
    }
    auto limited = tx.stock_events().ListForProduct(m, "p1", 1);
    EXPECT_TRUE(limited.ok() && limited->size() == 1 && (*limited)[0].created == 300);
    auto other = tx.stock_events().ListForProduct(m + 1, "p1", 10);
    EXPECT_TRUE(other.ok() && other->empty());
    return Status::Ok();
  }),
            Status::Ok());
}

TEST_P(StoreRepoTest, StockEventRangeListsEveryMerchantByIdWithinBounds) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  ASSERT_EQ(InsertProducts(a, {MakeProduct("p1")}), Status::Ok());
  ASSERT_EQ(InsertProducts(b, {MakeProduct("p1")}), Status::Ok());
  std::int64_t before = -1;
  ASSERT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(before, tx.stock_events().LatestId());
    return Status::Ok();
  }),
            Status::Ok());
  EXPECT_EQ(before, 0);
  std::vector<model::StockEvent> events = {MakeEvent(a, "p1", true, 100),
                                           MakeEvent(b, "p1", false, 200),
                                           MakeEvent(a, "p1", false, 300)};
  ASSERT_EQ(
      db_->RunInTransaction([&](Transaction& tx) { return tx.stock_events().Append(events); }),
      Status::Ok());
  EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(std::int64_t latest, tx.stock_events().LatestId());
    RESTOCK_ASSIGN_OR_RETURN(auto all, tx.stock_events().ListRange(0, latest, 10));
    EXPECT_EQ(all.size(), 3u);
    if (all.size() != 3u) return Status::Ok();
    EXPECT_EQ(all[2].id, latest);
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].merchant_id, events[i].merchant_id);
      EXPECT_EQ(all[i].product_id, "p1");
      EXPECT_EQ(all[i].previous, events[i].previous);
      EXPECT_EQ(all[i].current, events[i].current);
      EXPECT_EQ(all[i].source, events[i].source);
      EXPECT_EQ(all[i].created, events[i].created);
      if (i > 0) {
        EXPECT_GT(all[i].id, all[i - 1].id);
      }
    }
    // Bounds: after is exclusive, up_to inclusive; the limit keeps the lowest ids.
    RESTOCK_ASSIGN_OR_RETURN(auto middle, tx.stock_events().ListRange(all[0].id, all[1].id, 10));
    EXPECT_EQ(middle.size(), 1u);
    if (!middle.empty()) {
      EXPECT_EQ(middle[0].id, all[1].id);
    }
    RESTOCK_ASSIGN_OR_RETURN(auto first, tx.stock_events().ListRange(0, latest, 1));
    EXPECT_EQ(first.size(), 1u);
    if (!first.empty()) {
      EXPECT_EQ(first[0].id, all[0].id);
    }
    RESTOCK_ASSIGN_OR_RETURN(auto none, tx.stock_events().ListRange(latest, latest + 100, 10));
    EXPECT_TRUE(none.empty());
    return Status::Ok();
  }),
            Status::Ok());
}

TEST_P(StoreRepoTest, WebhookSequencesIncreasePerMerchantAndRollBackWithTheWork) {
  model::MerchantId a = CreateMerchant("a");
  model::MerchantId b = CreateMerchant("b");
  auto reserve = [&](model::MerchantId m, std::int64_t n) {
    std::int64_t first = 0;
    EXPECT_EQ(db_->RunInTransaction([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(first, tx.webhook_outbox().ReserveSequences(m, n));
      return Status::Ok();
    }),
              Status::Ok());
    return first;
  };
  EXPECT_EQ(reserve(a, 3), 1);
  EXPECT_EQ(reserve(a, 1), 4);
  EXPECT_EQ(reserve(b, 2), 1);
  EXPECT_EQ(db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(tx.webhook_outbox().ReserveSequences(a, 5).status());
    return AbortedError("rolled back");
  }),
            AbortedError("rolled back"));
  EXPECT_EQ(reserve(a, 1), 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreRepoTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace restock::store::testing
