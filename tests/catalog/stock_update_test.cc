#include "catalog/stock_update.h"

#include <gtest/gtest.h>

#include "catalog/product_queries.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::catalog {
namespace {

using model::ProductPatch;
using model::StockSource;

class StockUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Product p;
    p.product_id = "coffee";
    p.inventory = 10;
    p.created = p.last_update = 1;
    db_.state().products[{kMerchant, "coffee"}] = p;
    p.product_id = "tea";
    p.inventory.reset();
    db_.state().products[{kMerchant, "tea"}] = p;
    p.product_id = "other-merchants";
    db_.state().products[{kOtherMerchant, "other-merchants"}] = p;
  }

  std::vector<PatchOutcome> Update(std::vector<ProductPatch> patches) {
    std::vector<PatchOutcome> out;
    bool called = false;
    service_.UpdateAsync(kMerchant, std::move(patches), StockSource::kApi,
                         [&](Result<PatchResults> r) {
                           called = true;
                           EXPECT_TRUE(r.ok());
                           if (r.ok()) out = r->outcomes;
                         });
    EXPECT_TRUE(called);
    return out;
  }

  static ProductPatch Live(std::string id, bool live) {
    ProductPatch p;
    p.product_id = std::move(id);
    p.live = live;
    return p;
  }

  static constexpr model::MerchantId kMerchant = 1;
  static constexpr model::MerchantId kOtherMerchant = 2;
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  StockService service_{db_, clock_};
};

TEST_F(StockUpdateTest, AppliesLiveAndRecordsOneStockEvent) {
  auto outcomes = Update({Live("coffee", false)});
  EXPECT_EQ(outcomes, std::vector{PatchOutcome::kUpdated});
  const auto& product = db_.state().products.at({kMerchant, "coffee"});
  EXPECT_FALSE(product.live);
  EXPECT_EQ(product.last_update, clock_.NowMicros());
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  const auto& e = db_.state().stock_events[0];
  EXPECT_TRUE(e.previous.live);
  EXPECT_FALSE(e.current.live);
  EXPECT_EQ(e.source, StockSource::kApi);
  EXPECT_EQ(e.product_id, "coffee");
}

TEST_F(StockUpdateTest, SameValueIsUnchangedWithoutEvent) {
  auto outcomes = Update({Live("coffee", true)});
  EXPECT_EQ(outcomes, std::vector{PatchOutcome::kUnchanged});
  EXPECT_TRUE(db_.state().stock_events.empty());
  EXPECT_EQ(db_.state().products.at({kMerchant, "coffee"}).last_update, 1);
}

TEST_F(StockUpdateTest, UnknownAndOtherMerchantsProductsAreNotFound) {
  auto outcomes = Update({Live("nope", false), Live("other-merchants", false)});
  EXPECT_EQ(outcomes, (std::vector{PatchOutcome::kNotFound, PatchOutcome::kNotFound}));
  EXPECT_TRUE(db_.state().products.at({kOtherMerchant, "other-merchants"}).live);
  EXPECT_TRUE(db_.state().stock_events.empty());
}

TEST_F(StockUpdateTest, DuplicatesApplyInOrderWithOneLoad) {
  int before = db_.transactions;
  auto outcomes = Update({Live("coffee", false), Live("tea", false), Live("coffee", true)});
  EXPECT_EQ(outcomes, (std::vector{PatchOutcome::kUpdated, PatchOutcome::kUpdated,
                                   PatchOutcome::kUpdated}));
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live);
  EXPECT_FALSE(db_.state().products.at({kMerchant, "tea"}).live);
  ASSERT_EQ(db_.state().stock_events.size(), 3u);
  EXPECT_FALSE(db_.state().stock_events[0].current.live);
  EXPECT_TRUE(db_.state().stock_events[2].current.live);
  EXPECT_EQ(db_.transactions - before, 1);
}

TEST_F(StockUpdateTest, DuplicatesInALargeBatchApplyInOrderToo) {
  // Past eight elements the products are found through a hash map, not a scan.
  std::vector<ProductPatch> patches;
  for (int round = 0; round < 3; ++round) {
    for (ProductPatch p :
         {Live("coffee", false), Live("tea", false), Live("coffee", true), Live("tea", true)}) {
      patches.push_back(std::move(p));
    }
  }
  int before = db_.transactions;
  auto outcomes = Update(patches);
  EXPECT_EQ(outcomes, std::vector<PatchOutcome>(12, PatchOutcome::kUpdated));
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live);
  EXPECT_TRUE(db_.state().products.at({kMerchant, "tea"}).live);
  ASSERT_EQ(db_.state().stock_events.size(), 12u);
  EXPECT_EQ(db_.state().stock_events[1].product_id, "tea");
  EXPECT_FALSE(db_.state().stock_events[1].current.live);
  EXPECT_EQ(db_.transactions - before, 1);
}

TEST_F(StockUpdateTest, InventoryChangeIsAStockEventButNameIsNot) {
  ProductPatch name;
  name.product_id = "coffee";
  name.name = "Dark roast";
  ProductPatch inventory;
  inventory.product_id = "coffee";
  inventory.inventory = std::optional<std::int64_t>();
  Update({name, inventory});
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  EXPECT_EQ(db_.state().stock_events[0].previous.inventory, 10);
  EXPECT_FALSE(db_.state().stock_events[0].current.inventory.has_value());
  EXPECT_EQ(db_.state().products.at({kMerchant, "coffee"}).name, "Dark roast");
}

TEST_F(StockUpdateTest, UnitsForASoldOutProductBringItBack) {
  auto& coffee = db_.state().products[{kMerchant, "coffee"}];
  coffee.inventory = 0;
  coffee.live = false;  // as placement leaves it when the last unit sells
  ProductPatch restock;
  restock.product_id = "coffee";
  restock.inventory = std::optional<std::int64_t>(25);
  Update({restock});
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live);
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  EXPECT_FALSE(db_.state().stock_events[0].previous.live);
  EXPECT_TRUE(db_.state().stock_events[0].current.live);
}

TEST_F(StockUpdateTest, AnExplicitLiveWinsOverTheRestockRule) {
  auto& coffee = db_.state().products[{kMerchant, "coffee"}];
  coffee.inventory = 0;
  coffee.live = false;
  ProductPatch restock = Live("coffee", false);
  restock.inventory = std::optional<std::int64_t>(25);
  Update({restock});
  EXPECT_FALSE(db_.state().products.at({kMerchant, "coffee"}).live);
  // A product switched off with units on hand stays off when more arrive.
  ProductPatch more;
  more.product_id = "coffee";
  more.inventory = std::optional<std::int64_t>(30);
  Update({more});
  EXPECT_FALSE(db_.state().products.at({kMerchant, "coffee"}).live);
}

TEST_F(StockUpdateTest, UpsertCreatesMissingProductsWithDefaults) {
  ProductPatch p;
  p.product_id = "new";
  p.price_cents = std::optional<std::int64_t>(999);
  auto outcomes = service_.Upsert(kMerchant, std::span(&p, 1), StockSource::kFeed);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_EQ(outcomes->outcomes, std::vector{PatchOutcome::kCreated});
  const auto& product = db_.state().products.at({kMerchant, "new"});
  EXPECT_TRUE(product.live);
  EXPECT_TRUE(product.autoship_enabled);
  EXPECT_FALSE(product.inventory.has_value());
  EXPECT_EQ(product.price_cents, 999);
}

TEST_F(StockUpdateTest, StoreFailureReachesTheCallerAndChangesNothing) {
  db_.Shutdown();
  bool failed = false;
  service_.UpdateAsync(kMerchant, {Live("coffee", false)}, StockSource::kApi,
                       [&](Result<PatchResults> r) {
                         failed = !r.ok() && r.status().code() == StatusCode::kUnavailable;
                       });
  EXPECT_TRUE(failed);
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live);
}

TEST_F(StockUpdateTest, CreateAddsNewProductsAndRefusesExistingOnes) {
  ProductPatch fresh;
  fresh.product_id = "new";
  fresh.live = false;
  ProductPatch existing = Live("coffee", false);
  std::vector<PatchOutcome> outcomes;
  service_.CreateAsync(kMerchant, {fresh, existing, fresh}, StockSource::kApi,
                       [&](Result<PatchResults> r) {
                         ASSERT_TRUE(r.ok());
                         outcomes = r->outcomes;
                       });
  // The second "new" finds the product the first one created.
  EXPECT_EQ(outcomes, (std::vector{PatchOutcome::kCreated, PatchOutcome::kAlreadyExists,
                                   PatchOutcome::kAlreadyExists}));
  EXPECT_FALSE(db_.state().products.at({kMerchant, "new"}).live);
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live) << "existing left untouched";
  EXPECT_TRUE(db_.state().stock_events.empty()) << "creating is not a stock change";
}

TEST_F(StockUpdateTest, HistoryIsNewestFirstAndNotFoundForUnknownProducts) {
  Update({Live("coffee", false)});
  Update({Live("coffee", true)});
  Update({Live("tea", false)});
  auto history = StockHistory(db_, kMerchant, "coffee", store::StockEventPage{});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE((*history)[0].current.live);
  EXPECT_FALSE((*history)[1].current.live);
  store::StockEventPage newer;
  newer.newer_than = (*history)[1].id - 1;
  newer.limit = 10;
  auto forward = StockHistory(db_, kMerchant, "coffee", newer);
  ASSERT_TRUE(forward.ok());
  ASSERT_EQ(forward->size(), 2u);
  EXPECT_GT((*forward)[0].id, (*forward)[1].id) << "newest first in both directions";
  EXPECT_EQ(StockHistory(db_, kMerchant, "nope", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StockHistory(db_, kOtherMerchant, "coffee", {}).status().code(),
            StatusCode::kNotFound);
  const MerchantToday today = [](const model::Merchant&) -> Result<CivilDate> {
    return CivilDate{2026, 12, 1};
  };
  EXPECT_EQ(GetProduct(db_, kOtherMerchant, "coffee", today).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace restock::catalog
