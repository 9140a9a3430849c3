#include "catalog/held_stock.h"

#include <gtest/gtest.h>

#include "catalog/product_queries.h"
#include "support/fake_database.h"

namespace restock::catalog {
namespace {

using model::Order;
using model::OrderStatus;

CivilDate Day(int offset) { return CivilFromDays(DaysFromCivil({2026, 12, 1}) + offset); }

TEST(HeldStockTest, SellableIsInventoryLessCommittedNeverBelowZero) {
  EXPECT_EQ(HeldStockOf(10, 4), (HeldStock{4, 6}));
  EXPECT_EQ(HeldStockOf(10, 10), (HeldStock{10, 0}));
  EXPECT_EQ(HeldStockOf(3, 8), (HeldStock{8, 0}));
  EXPECT_EQ(HeldStockOf(0, 0), (HeldStock{0, 0}));
  EXPECT_EQ(HeldStockOf(std::nullopt, 5), HeldStock{}) << "untracked: both null";
}

TEST(HeldStockTest, ReservationEndIsTodayPlusTheMerchantsDays) {
  model::Merchant m;
  EXPECT_EQ(ReservationEnd(m, Day(0)), Day(0));
  m.reservation_days = 3;
  EXPECT_EQ(ReservationEnd(m, CivilDate{2026, 12, 30}), (CivilDate{2027, 1, 2}));
}

// A hand-computed scenario: merchant 1 (today = Day(0), reservation_days 2) and merchant 2,
// whose orders must not count.
class ReadHeldStockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Merchant m;
    m.public_id = "shop";
    m.reservation_days = 2;
    db_.state().merchants["shop"] = m;
    db_.state().merchants["shop"].id = kMerchant;
    m.public_id = "other";
    m.id = kOther;
    db_.state().merchants["other"] = m;
    AddProduct(kMerchant, "coffee", 20);
    AddProduct(kMerchant, "tea", std::nullopt);
    AddProduct(kMerchant, "cocoa", 5);
    AddProduct(kOther, "coffee", 20);

    AddOrder(kMerchant, Day(0), OrderStatus::kUnsent, {{"coffee", 3}, {"tea", 4}});
    AddOrder(kMerchant, Day(-5), OrderStatus::kUnsent, {{"coffee", 1}});     // overdue
    AddOrder(kMerchant, Day(2), OrderStatus::kUnsent, {{"coffee", 2}});      // last day in
    AddOrder(kMerchant, Day(3), OrderStatus::kUnsent, {{"coffee", 50}});     // outside
    AddOrder(kMerchant, Day(-1), OrderStatus::kOutOfStock, {{"coffee", 4}, {"cocoa", 9}});
    AddOrder(kMerchant, Day(-1), OrderStatus::kPlaced, {{"coffee", 70}});
    AddOrder(kMerchant, Day(1), OrderStatus::kCancelled, {{"coffee", 80}});
    AddOrder(kOther, Day(0), OrderStatus::kUnsent, {{"coffee", 900}});
  }

  void AddProduct(model::MerchantId merchant, const std::string& id,
                  std::optional<std::int64_t> inventory) {
    model::Product p;
    p.product_id = id;
    p.inventory = inventory;
    db_.state().products[{merchant, id}] = p;
  }

  void AddOrder(model::MerchantId merchant, CivilDate date, OrderStatus status,
                std::vector<std::pair<std::string, std::int64_t>> items) {
    Order o;
    o.id = db_.state().next_id++;
    o.merchant_id = merchant;
    o.customer_id = "c" + std::to_string(o.id);
    o.place_date = date;
    o.status = status;
    for (auto& [product, quantity] : items) {
      o.items.push_back({o.id * 10 + static_cast<std::int64_t>(o.items.size()), product, quantity});
    }
    db_.state().orders[o.id] = o;
  }

  static constexpr model::MerchantId kMerchant = 1;
  static constexpr model::MerchantId kOther = 2;
  testing::FakeDatabase db_;
  MerchantToday today_ = [](const model::Merchant&) -> Result<CivilDate> { return Day(0); };
};

TEST_F(ReadHeldStockTest, CountsTheWindowAndTheWaitingOrdersOfThisMerchantOnly) {
  // coffee: 3 (today) + 1 (overdue) + 2 (day 2) + 4 (out of stock) = 10 of 20.
  auto coffee = GetProduct(db_, kMerchant, "coffee", today_);
  ASSERT_TRUE(coffee.ok()) << coffee.status().ToString();
  EXPECT_EQ(coffee->held, (HeldStock{10, 10}));
  auto cocoa = GetProduct(db_, kMerchant, "cocoa", today_);
  ASSERT_TRUE(cocoa.ok());
  EXPECT_EQ(cocoa->held, (HeldStock{9, 0})) << "more waiting than on hand: sellable 0";
  auto tea = GetProduct(db_, kMerchant, "tea", today_);
  ASSERT_TRUE(tea.ok());
  EXPECT_EQ(tea->held, HeldStock{}) << "untracked";
  auto theirs = GetProduct(db_, kOther, "coffee", today_);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->held, (HeldStock{900, 0}));
}

TEST_F(ReadHeldStockTest, TheWindowFollowsTheMerchantsDaysAndToday) {
  db_.state().merchants["shop"].reservation_days = 0;
  auto coffee = GetProduct(db_, kMerchant, "coffee", today_);
  ASSERT_TRUE(coffee.ok());
  EXPECT_EQ(coffee->held, (HeldStock{8, 12})) << "day 2 is outside a 0-day window";
  db_.state().merchants["shop"].reservation_days = 3;
  coffee = GetProduct(db_, kMerchant, "coffee", today_);
  EXPECT_EQ(coffee->held, (HeldStock{60, 0}));
  const MerchantToday later = [](const model::Merchant&) -> Result<CivilDate> { return Day(3); };
  db_.state().merchants["shop"].reservation_days = 0;
  coffee = GetProduct(db_, kMerchant, "coffee", later);
  EXPECT_EQ(coffee->held, (HeldStock{60, 0})) << "every order due by day 3";
}

TEST_F(ReadHeldStockTest, ListsCarryTheHeldStockOfEachProduct) {
  auto page = ListProducts(db_, kMerchant, {}, {}, today_);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].product.product_id, "cocoa");
  EXPECT_EQ((*page)[0].held, (HeldStock{9, 0}));
  EXPECT_EQ((*page)[1].held, (HeldStock{10, 10}));
  EXPECT_EQ((*page)[2].held, HeldStock{});
}

TEST_F(ReadHeldStockTest, ErrorsOfTodayAndUnknownMerchantsAreReported) {
  const MerchantToday broken = [](const model::Merchant&) -> Result<CivilDate> {
    return InvalidArgumentError("unknown time zone");
  };
  EXPECT_EQ(GetProduct(db_, kMerchant, "coffee", broken).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(GetProduct(db_, kMerchant, "tea", broken).ok()) << "untracked: nothing to read";
  Status status = db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    std::vector<StockLevel> levels{{"coffee", 1}};
    return ReadHeldStock(tx, 77, levels, today_).status();
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace restock::catalog
