// inventory_adjust and if_inventory (docs/api.md "Inventory writes that cannot oversell"):
// the rule (Conflicts) and its effect through StockService.
#include <gtest/gtest.h>

#include "catalog/stock_update.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::catalog {
namespace {

using model::ProductPatch;
using model::StockSource;
using Opt = std::optional<std::int64_t>;

ProductPatch Adjust(std::string id, std::int64_t delta) {
  ProductPatch p;
  p.product_id = std::move(id);
  p.inventory_adjust = delta;
  return p;
}

ProductPatch IfInventory(std::string id, Opt expected) {
  ProductPatch p;
  p.product_id = std::move(id);
  p.if_inventory = expected;
  return p;
}

TEST(ConflictsTest, EachReason) {
  EXPECT_EQ(Conflicts(Adjust("p", -3), Opt(3)), ConflictReason::kNone);
  EXPECT_EQ(Conflicts(Adjust("p", -4), Opt(3)), ConflictReason::kNegative);
  EXPECT_EQ(Conflicts(Adjust("p", 1), Opt()), ConflictReason::kUntracked);
  EXPECT_EQ(Conflicts(Adjust("p", 0), Opt()), ConflictReason::kUntracked);
  EXPECT_EQ(Conflicts(Adjust("p", INT64_MAX), Opt(1)), ConflictReason::kOutOfRange);
  EXPECT_EQ(Conflicts(Adjust("p", INT64_MIN), Opt(0)), ConflictReason::kNegative);
  EXPECT_EQ(Conflicts(IfInventory("p", Opt(5)), Opt(5)), ConflictReason::kNone);
  EXPECT_EQ(Conflicts(IfInventory("p", Opt(5)), Opt(4)), ConflictReason::kInventoryMismatch);
  EXPECT_EQ(Conflicts(IfInventory("p", Opt()), Opt()), ConflictReason::kNone);
  EXPECT_EQ(Conflicts(IfInventory("p", Opt()), Opt(0)), ConflictReason::kInventoryMismatch);
  EXPECT_EQ(Conflicts(IfInventory("p", Opt(0)), Opt()), ConflictReason::kInventoryMismatch);
  EXPECT_EQ(Conflicts(ProductPatch{}, Opt()), ConflictReason::kNone);
  for (ConflictReason r : {ConflictReason::kInventoryMismatch, ConflictReason::kUntracked,
                           ConflictReason::kNegative, ConflictReason::kOutOfRange}) {
    EXPECT_FALSE(ConflictMessage(r).empty());
  }
}

class InventoryGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Product p;
    p.product_id = "coffee";
    p.inventory = 10;
    db_.state().products[{kMerchant, "coffee"}] = p;
    p.product_id = "tea";
    p.inventory.reset();
    db_.state().products[{kMerchant, "tea"}] = p;
  }

  PatchResults Update(std::vector<ProductPatch> patches) {
    PatchResults out;
    service_.UpdateAsync(kMerchant, std::move(patches), StockSource::kApi,
                         [&](Result<PatchResults> r) {
                           ASSERT_TRUE(r.ok());
                           out = std::move(r).value();
                         });
    return out;
  }

  Opt Inventory(const std::string& id) {
    return db_.state().products.at({kMerchant, id}).inventory;
  }

  static constexpr model::MerchantId kMerchant = 1;
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  StockService service_{db_, clock_};
};

TEST_F(InventoryGuardTest, AdjustmentsAddInOrderWithinOneBatch) {
  PatchResults r = Update({Adjust("coffee", -4), Adjust("coffee", 5), Adjust("coffee", -12)});
  EXPECT_EQ(r.outcomes,
            (std::vector{PatchOutcome::kUpdated, PatchOutcome::kUpdated, PatchOutcome::kConflict}));
  EXPECT_EQ(r.conflicts[2].reason, ConflictReason::kNegative);
  EXPECT_EQ(r.conflicts[2].inventory, Opt(11)) << "checked against the effect of the ones before";
  EXPECT_EQ(Inventory("coffee"), Opt(11));
  ASSERT_EQ(db_.state().stock_events.size(), 2u);
  EXPECT_EQ(db_.state().stock_events.back().previous.inventory, Opt(6));
  EXPECT_EQ(db_.state().stock_events.back().current.inventory, Opt(11));
}

TEST_F(InventoryGuardTest, AConflictingElementAppliesNothingOfItself) {
  ProductPatch p = IfInventory("coffee", Opt(9));
  p.live = false;
  p.name = "renamed";
  PatchResults r = Update({p, Adjust("tea", 1)});
  EXPECT_EQ(r.outcomes, (std::vector{PatchOutcome::kConflict, PatchOutcome::kConflict}));
  EXPECT_EQ(r.conflicts[0].reason, ConflictReason::kInventoryMismatch);
  EXPECT_EQ(r.conflicts[0].inventory, Opt(10));
  EXPECT_EQ(r.conflicts[1].reason, ConflictReason::kUntracked);
  EXPECT_EQ(r.conflicts[1].inventory, Opt());
  const model::Product& coffee = db_.state().products.at({kMerchant, "coffee"});
  EXPECT_TRUE(coffee.live);
  EXPECT_EQ(coffee.name, "");
  EXPECT_TRUE(db_.state().stock_events.empty());
}

TEST_F(InventoryGuardTest, CompareAndSetAppliesWhenTheInventoryMatches) {
  ProductPatch p = IfInventory("coffee", Opt(10));
  p.inventory = Opt(25);
  ProductPatch stale = IfInventory("coffee", Opt(10));
  stale.inventory = Opt(30);
  PatchResults r = Update({p, stale, IfInventory("tea", Opt())});
  EXPECT_EQ(r.outcomes, (std::vector{PatchOutcome::kUpdated, PatchOutcome::kConflict,
                                     PatchOutcome::kUnchanged}));
  EXPECT_EQ(r.conflicts[1].inventory, Opt(25));
  EXPECT_EQ(Inventory("coffee"), Opt(25));
}

TEST_F(InventoryGuardTest, AdjustingASoldOutProductUpBringsItBack) {
  auto& coffee = db_.state().products.at({kMerchant, "coffee"});
  coffee.inventory = 0;
  coffee.live = false;
  Update({Adjust("coffee", 3)});
  EXPECT_TRUE(db_.state().products.at({kMerchant, "coffee"}).live);
  EXPECT_EQ(Inventory("coffee"), Opt(3));
}

TEST_F(InventoryGuardTest, CreatingWithAnAdjustmentIsAConflictOnAnUntrackedProduct) {
  auto r = service_.Upsert(kMerchant, std::vector{Adjust("new", 3)}, StockSource::kFeed);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcomes, std::vector{PatchOutcome::kConflict});
  EXPECT_EQ(db_.state().products.count({kMerchant, "new"}), 0u);
}

}  // namespace
}  // namespace restock::catalog
