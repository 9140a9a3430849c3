#include "placement/oos_prediction.h"

#include <gtest/gtest.h>

#include "support/fake_database.h"

namespace restock::placement {
namespace {

using model::Order;
using model::OrderStatus;

CivilDate Day(int offset) { return CivilFromDays(DaysFromCivil({2026, 12, 1}) + offset); }

Order MakeOrder(std::int64_t id, CivilDate date, OrderStatus status,
                std::vector<std::pair<std::string, std::int64_t>> items) {
  Order o;
  o.id = id;
  o.merchant_id = 1;
  o.customer_id = "c" + std::to_string(id);
  o.place_date = date;
  o.status = status;
  for (auto& [product, quantity] : items) {
    o.items.push_back({id * 10 + static_cast<std::int64_t>(o.items.size()), product, quantity});
  }
  return o;
}

using Inventory = std::map<std::string, std::optional<std::int64_t>, std::less<>>;

TEST(ProjectShortfallsTest, WaitingOrdersTakeStockFirstThenByPlaceDateAndId) {
  // coffee 10: out of stock 3 (left 7), day 1 #5 takes 4 (3), day 2 #2 takes 2 (1),
  // day 2 #4 needs 2: short by 1, day 3 #3 needs 1: short (left is -1), by 1.
  std::vector<Order> held = {
      MakeOrder(2, Day(2), OrderStatus::kUnsent, {{"coffee", 2}}),
      MakeOrder(3, Day(3), OrderStatus::kUnsent, {{"coffee", 1}}),
      MakeOrder(4, Day(2), OrderStatus::kUnsent, {{"tea", 9}, {"coffee", 2}}),
      MakeOrder(5, Day(1), OrderStatus::kUnsent, {{"coffee", 4}}),
      MakeOrder(6, Day(-2), OrderStatus::kOutOfStock, {{"coffee", 3}}),
  };
  Inventory inventory{{"coffee", 10}, {"tea", std::nullopt}};
  EXPECT_EQ(ProjectShortfalls(held, inventory, Day(0), Day(3)),
            (std::vector<PredictedShortfall>{{4, "coffee", 1}, {3, "coffee", 1}}));
  EXPECT_EQ(ProjectShortfalls(held, inventory, Day(0), Day(2)),
            (std::vector<PredictedShortfall>{{4, "coffee", 1}}))
      << "day 3 lies beyond the warning days";
}

TEST(ProjectShortfallsTest, OrdersDueByTheRunsDayTakeStockButAreNotWarnedOf) {
  std::vector<Order> held = {
      MakeOrder(1, Day(0), OrderStatus::kUnsent, {{"coffee", 8}}),  // due today: placement's
      MakeOrder(2, Day(1), OrderStatus::kUnsent, {{"coffee", 5}, {"cocoa", 1}}),
      MakeOrder(3, Day(1), OrderStatus::kUnsent, {{"unknown", 5}}),
  };
  Inventory inventory{{"coffee", 6}, {"cocoa", 0}};
  EXPECT_EQ(ProjectShortfalls(held, inventory, Day(0), Day(3)),
            (std::vector<PredictedShortfall>{{2, "coffee", 5}}))
      << "one event per order, naming its first short item; unknown products are not short";
  EXPECT_TRUE(ProjectShortfalls(held, {{"coffee", 20}, {"cocoa", 1}}, Day(0), Day(3)).empty());
}

class PredictOutOfStockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    merchant_.id = 1;
    merchant_.public_id = "shop";
    db_.state().merchants["shop"] = merchant_;
    model::Product p;
    p.product_id = "coffee";
    p.inventory = 5;
    db_.state().products[{1, "coffee"}] = p;
    db_.state().products[{2, "coffee"}] = p;
    Add(MakeOrder(1, Day(1), OrderStatus::kUnsent, {{"coffee", 4}}));
    Add(MakeOrder(2, Day(2), OrderStatus::kUnsent, {{"coffee", 4}}));  // short by 3
    Add(MakeOrder(3, Day(5), OrderStatus::kUnsent, {{"coffee", 4}}));  // beyond 3 days
    Order theirs = MakeOrder(4, Day(1), OrderStatus::kUnsent, {{"coffee", 40}});
    theirs.merchant_id = 2;
    Add(theirs);
    db_.state().next_id = 10;
  }

  void Add(const Order& o) { db_.state().orders[o.id] = o; }

  std::vector<model::OrderEvent> Predicted() {
    std::vector<model::OrderEvent> out;
    for (const auto& e : db_.state().order_events) {
      if (e.type == model::OrderEventType::kOosPredicted) out.push_back(e);
    }
    return out;
  }

  model::Merchant merchant_;
  testing::FakeDatabase db_;
};

TEST_F(PredictOutOfStockTest, WritesOneEventPerShortOrderOnceAcrossRuns) {
  auto first = PredictOutOfStock(db_, merchant_, Day(0), 1234);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1u);
  ASSERT_EQ(Predicted().size(), 1u);
  const model::OrderEvent e = Predicted()[0];
  EXPECT_EQ(e.order_id, 2);
  EXPECT_EQ(e.product_id, "coffee");
  EXPECT_EQ(e.quantity, 3);
  EXPECT_EQ(e.date, Day(0));
  EXPECT_EQ(e.created, 1234);

  auto again = PredictOutOfStock(db_, merchant_, Day(0), 1235);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u) << "marked: never again";
  // Two days later order 3 (day 5) enters the window; order 2 is still short but was warned.
  auto later = PredictOutOfStock(db_, merchant_, Day(2), 1236);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, 1u);
  ASSERT_EQ(Predicted().size(), 2u);
  EXPECT_EQ(Predicted()[1].order_id, 3);
  EXPECT_EQ(Predicted()[1].quantity, 4) << "5 - 4 - 4 leaves none for it";
}

TEST_F(PredictOutOfStockTest, ZeroWarningDaysWritesNothing) {
  merchant_.oos_warn_days = 0;
  auto n = PredictOutOfStock(db_, merchant_, Day(0), 1);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_TRUE(Predicted().empty());
}

TEST_F(PredictOutOfStockTest, EnoughStockWritesNothing) {
  db_.state().products[{1, "coffee"}].inventory = 8;
  auto n = PredictOutOfStock(db_, merchant_, Day(0), 1);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

}  // namespace
}  // namespace restock::placement
