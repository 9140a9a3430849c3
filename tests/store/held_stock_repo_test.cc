// Held stock (docs/placement.md, "Held stock") in store/placement_repos.h and the merchant's
// settings for it, on every backend.
#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

class StoreHeldStockRepoTest : public StorePlacementRepoTest {
 protected:
  static std::vector<OrderItem> Items(std::int64_t p_units, std::int64_t q_units) {
    std::vector<OrderItem> list;
    if (p_units > 0) list.push_back({.subscription_id = 1, .product_id = "p", .quantity = p_units});
    if (q_units > 0) list.push_back({.subscription_id = 2, .product_id = "q", .quantity = q_units});
    return list;
  }

  std::vector<std::int64_t> Committed(model::MerchantId merchant,
                                      std::vector<std::string_view> ids, CivilDate through) {
    return Read([&](Transaction& tx) { return tx.orders().CommittedUnits(merchant, ids, through); });
  }
};

TEST_P(StoreHeldStockRepoTest, CommittedUnitsCountDueUnsentAndEveryOutOfStockOrder) {
  InsertOrder(MakeOrder(merchant_, "a", Day(0), OrderStatus::kUnsent, Items(2, 5)));
  InsertOrder(MakeOrder(merchant_, "b", Day(-4), OrderStatus::kUnsent, Items(3, 0)));  // overdue
  InsertOrder(MakeOrder(merchant_, "c", Day(0), OrderStatus::kPlaced, Items(100, 0)));
  InsertOrder(MakeOrder(merchant_, "d", Day(-3), OrderStatus::kOutOfStock, Items(7, 0)));
  InsertOrder(MakeOrder(merchant_, "e", Day(2), OrderStatus::kUnsent, Items(1, 0)));
  InsertOrder(MakeOrder(merchant_, "f", Day(1), OrderStatus::kCancelled, Items(50, 0)));
  InsertOrder(MakeOrder(merchant_, "g", Day(1), OrderStatus::kPending, Items(60, 0)));
  InsertOrder(MakeOrder(merchant_, "h", Day(9), OrderStatus::kOutOfStock, Items(4, 0)));
  InsertOrder(MakeOrder(other_, "a", Day(0), OrderStatus::kUnsent, Items(1000, 1000)));

  // Through today: a + b + d + h (an out-of-stock order counts whatever its date).
  EXPECT_EQ(Committed(merchant_, {"p", "q", "r"}, Day(0)), (std::vector<std::int64_t>{16, 5, 0}));
  EXPECT_EQ(Committed(merchant_, {"p"}, Day(1)), std::vector<std::int64_t>{16});
  EXPECT_EQ(Committed(merchant_, {"p"}, Day(2)), std::vector<std::int64_t>{17}) << "e is due";
  EXPECT_EQ(Committed(merchant_, {"q", "p", "q"}, Day(-1)),
            (std::vector<std::int64_t>{0, 14, 0}))
      << "aligned with the ids, repeats included; a is not due yet";
  EXPECT_EQ(Committed(other_, {"p"}, Day(0)), std::vector<std::int64_t>{1000});
  EXPECT_TRUE(Committed(merchant_, {}, Day(0)).empty());
}

TEST_P(StoreHeldStockRepoTest, ListHeldTakesOutOfStockAndUnsentOrdersDueThrough) {
  Order a = InsertOrder(MakeOrder(merchant_, "a", Day(0), OrderStatus::kUnsent, Items(2, 5)));
  InsertOrder(MakeOrder(merchant_, "b", Day(0), OrderStatus::kPlaced, Items(1, 0)));
  Order c = InsertOrder(MakeOrder(merchant_, "c", Day(-2), OrderStatus::kOutOfStock, Items(1, 0)));
  Order d = InsertOrder(MakeOrder(merchant_, "d", Day(3), OrderStatus::kUnsent, Items(1, 0)));
  InsertOrder(MakeOrder(merchant_, "e", Day(4), OrderStatus::kUnsent, Items(1, 0)));
  Order f = InsertOrder(MakeOrder(merchant_, "f", Day(8), OrderStatus::kOutOfStock, Items(0, 1)));
  InsertOrder(MakeOrder(other_, "a", Day(0), OrderStatus::kUnsent, Items(1, 0)));
  auto held = Read([&](Transaction& tx) { return tx.orders().ListHeld(merchant_, Day(3)); });
  EXPECT_EQ(held, (std::vector<Order>{a, c, d, f}));
}

TEST_P(StoreHeldStockRepoTest, MarkOosPredictedMarksAnUnsentOrderOnce) {
  Order a = InsertOrder(MakeOrder(merchant_, "a", Day(2), OrderStatus::kUnsent, Items(2, 0)));
  Order placed = InsertOrder(MakeOrder(merchant_, "b", Day(2), OrderStatus::kPlaced, Items(2, 0)));
  auto mark = [&](model::MerchantId merchant, std::int64_t id) {
    return Write([&](Transaction& tx) { return tx.orders().MarkOosPredicted(merchant, id); });
  };
  EXPECT_FALSE(mark(other_, a.id)) << "another merchant's order";
  EXPECT_TRUE(mark(merchant_, a.id));
  EXPECT_FALSE(mark(merchant_, a.id)) << "marked already";
  EXPECT_FALSE(mark(merchant_, placed.id)) << "no longer unsent";
  EXPECT_FALSE(mark(merchant_, 999'999));
  // The mark is not part of the order: saving the order keeps it.
  a.place_date = Day(3);
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(a, false); }),
            Status::Ok());
  EXPECT_FALSE(mark(merchant_, a.id));
  EXPECT_EQ(FindOrder(merchant_, a.id), a);
}

TEST_P(StoreHeldStockRepoTest, MerchantHeldStockSettingsDefaultAndRoundTrip) {
  auto find = [&](model::MerchantId id) {
    return Read([&](Transaction& tx) { return tx.merchants().FindById(id); });
  };
  std::optional<model::Merchant> m = find(merchant_);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->public_id, "m");
  EXPECT_EQ(m->reservation_days, 0);
  EXPECT_EQ(m->oos_warn_days, 3);
  EXPECT_EQ(find(999'999), std::nullopt);
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.merchants().SetHeldStock(merchant_, 2, 0); }),
            Status::Ok());
  m = find(merchant_);
  EXPECT_EQ(m->reservation_days, 2);
  EXPECT_EQ(m->oos_warn_days, 0);
  EXPECT_EQ(find(other_)->reservation_days, 0) << "only that merchant";
  auto by_public =
      Read([&](Transaction& tx) { return tx.merchants().FindByPublicId("m"); });
  EXPECT_EQ(by_public->reservation_days, 2);
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.merchants().SetHeldStock(999'999, 1, 1); })
          .code(),
      StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreHeldStockRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
