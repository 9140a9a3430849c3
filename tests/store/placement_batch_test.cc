// The batch writes of store/placement_repos.h (OrderRepo::InsertMany, OrderEventRepo::Append
// of many events), on every backend: the same outcome as a loop over the single-row writes,
// across the sizes where a backend splits a batch into several statements.
#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

class StorePlacementBatchTest : public StorePlacementRepoTest {
 protected:
  // Orders of `merchant` with 0 to 3 items and every field varied; `n` of them.
  static std::vector<Order> VariedOrders(model::MerchantId merchant, std::size_t n) {
    std::vector<Order> orders;
    for (std::size_t i = 0; i < n; ++i) {
      const int k = static_cast<int>(i);
      std::vector<OrderItem> items;
      for (int j = 0; j < k % 4; ++j) {
        // Subscription ids out of order, so the store has to sort the items.
        items.push_back({.subscription_id = 1000 * (k + 1) - j,
                         .product_id = "p" + std::to_string((k + j) % 7),
                         .quantity = j + 1});
      }
      Order o = MakeOrder(merchant, "c" + std::to_string(k % 13), Day(k % 5),
                          k % 3 == 0 ? OrderStatus::kUnsent : OrderStatus::kOutOfStock, items);
      if (o.status == OrderStatus::kOutOfStock) {
        o.oos_since = Day(-k % 9);
        o.oos_expires = Day(30);
        o.last_notice_day = k % 2 == 0 ? 1 : 15;
      }
      o.cancel_reason = k % 5 == 0 ? "note" : "";
      o.created = 100 + k;
      o.updated = 200 + k;
      o.id = 99'999;  // ignored
      orders.push_back(std::move(o));
    }
    return orders;
  }

  static Order Sorted(Order o) {
    std::sort(o.items.begin(), o.items.end(), [](const OrderItem& a, const OrderItem& b) {
      return a.subscription_id < b.subscription_id;
    });
    return o;
  }

  // Every order of `merchant`, oldest first, ids cleared, for comparing two merchants.
  std::vector<Order> AllWithoutIds(model::MerchantId merchant) {
    std::vector<Order> all = List(merchant, {}, {.after_id = 0, .before_id = std::nullopt, .limit = 10'000});
    for (Order& o : all) {
      o.id = 0;
      o.merchant_id = 0;
    }
    return all;
  }
};

TEST_P(StorePlacementBatchTest, InsertManyStoresWhatALoopOverInsertStores) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{203}}) {
    SCOPED_TRACE(n);
    // Some orders first, so the batch's ids have to come after them.
    const Order before = InsertOrder(MakeOrder(merchant_, "c0", Day(0), OrderStatus::kUnsent, {}));
    const std::vector<Order> orders = VariedOrders(merchant_, n);
    const std::vector<std::int64_t> ids =
        Write([&](Transaction& tx) { return tx.orders().InsertMany(orders); });
    ASSERT_EQ(ids.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_GT(ids[i], i == 0 ? before.id : ids[i - 1]) << "ids increase in batch order";
      Order want = Sorted(orders[i]);
      want.id = ids[i];
      EXPECT_EQ(FindOrder(merchant_, ids[i]), want);
    }
    const Order after = InsertOrder(MakeOrder(merchant_, "c0", Day(0), OrderStatus::kUnsent, {}));
    if (n > 0) {
      EXPECT_GT(after.id, ids.back()) << "a later Insert comes after the batch";
    }

    // The same orders of the other merchant, one Insert at a time.
    (void)InsertOrder(MakeOrder(other_, "c0", Day(0), OrderStatus::kUnsent, {}));
    for (const Order& o : VariedOrders(other_, n)) (void)InsertOrder(o);
    (void)InsertOrder(MakeOrder(other_, "c0", Day(0), OrderStatus::kUnsent, {}));
  }
  // Both merchants read back the same orders in the same order, through every read.
  EXPECT_EQ(AllWithoutIds(merchant_), AllWithoutIds(other_));
  EXPECT_EQ(AllWithoutIds(merchant_).size(), 4u * 2 + 1 + 64 + 203);
  EXPECT_EQ(ListForPlacement(merchant_, Day(2), 0, 10'000).size(),
            ListForPlacement(other_, Day(2), 0, 10'000).size());
  for (int c = 0; c < 13; ++c) {
    const std::string customer = "c" + std::to_string(c);
    EXPECT_EQ(Read([&](Transaction& tx) { return tx.orders().FindUnsent(merchant_, customer, Day(3)); })
                  .has_value(),
              Read([&](Transaction& tx) { return tx.orders().FindUnsent(other_, customer, Day(3)); })
                  .has_value());
  }
  for (CivilDate day : {Day(0), Day(3)}) {
    EXPECT_EQ(Read([&](Transaction& tx) { return tx.orders().UnitsDue(merchant_, "p3", day, Day(9)); }),
              Read([&](Transaction& tx) { return tx.orders().UnitsDue(other_, "p3", day, Day(9)); }));
  }
}

TEST_P(StorePlacementBatchTest, InsertManyStopsAtTheFirstFailingOrderLikeALoop) {
  std::vector<Order> orders = VariedOrders(merchant_, 150);
  // Order 100 has two items of one subscription: Insert() refuses it.
  orders[100].items = {{.subscription_id = 5, .product_id = "p1", .quantity = 1},
                       {.subscription_id = 5, .product_id = "p2", .quantity = 1}};
  Status inside;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) {
              inside = tx.orders().InsertMany(orders).status();
              return Status::Ok();  // commit what the batch left behind
            }),
            Status::Ok());
  EXPECT_EQ(inside.code(), StatusCode::kAlreadyExists);
  std::vector<Order> stored = List(merchant_, {}, {.after_id = 0, .before_id = std::nullopt, .limit = 1000});
  ASSERT_EQ(stored.size(), 100u) << "the orders before the failing one stay, none after";
  for (std::size_t i = 0; i < stored.size(); ++i) {
    Order want = Sorted(orders[i]);
    want.id = stored[i].id;
    EXPECT_EQ(stored[i], want);
  }
  EXPECT_EQ(Read([&](Transaction& tx) {
              return tx.orders().FindUnsentWithSubscription(merchant_, 5);
            }),
            std::nullopt)
      << "the failing order left no item behind";
}

TEST_P(StorePlacementBatchTest, UpdateManyWritesWhatALoopOverUpdateWrites) {
  std::vector<Order> stored;
  for (const Order& o : VariedOrders(merchant_, 150)) stored.push_back(InsertOrder(o));
  std::vector<Order> changed = stored;
  for (std::size_t i = 0; i < changed.size(); ++i) {
    changed[i].status = i % 2 == 0 ? OrderStatus::kPlaced : OrderStatus::kCancelled;
    changed[i].placed_on = Day(1);
    changed[i].cancel_reason = i % 2 == 0 ? "" : "no_items";
    changed[i].last_notice_day = 30;
    changed[i].updated = 9'000 + static_cast<int>(i);
    changed[i].items.clear();  // ignored: UpdateMany keeps the items
  }
  changed[7].customer_id = "moved";  // not placement's case: the row's other fields too
  changed[8].place_date = Day(9);
  // Order 120 does not exist: the loop updates 0..119 and stops with NotFound.
  std::vector<Order> batch = changed;
  batch[120].id = stored.back().id + 1000;
  Status inside;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) {
              inside = tx.orders().UpdateMany(batch);
              return Status::Ok();
            }),
            Status::Ok());
  EXPECT_EQ(inside.code(), StatusCode::kNotFound);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    Order want = i < 120 ? changed[i] : stored[i];
    want.items = stored[i].items;
    EXPECT_EQ(FindOrder(merchant_, stored[i].id), want) << i;
  }
  // Without the missing order, every one is written.
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().UpdateMany(changed); }),
            Status::Ok());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    Order want = changed[i];
    want.items = stored[i].items;
    EXPECT_EQ(FindOrder(merchant_, stored[i].id), want) << i;
  }
  // Placement's case: only the state changes (the batch path of a backend that has one).
  for (std::size_t i = 0; i < changed.size(); ++i) {
    changed[i].status = OrderStatus::kOutOfStock;
    changed[i].oos_since = Day(2);
    changed[i].oos_expires = Day(32);
  }
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().UpdateMany(changed); }),
            Status::Ok());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    Order want = changed[i];
    want.items = stored[i].items;
    EXPECT_EQ(FindOrder(merchant_, stored[i].id), want) << i;
  }
}

TEST_P(StorePlacementBatchTest, UpdateManyOfAnOrderGivenTwiceKeepsTheLaterValuesLikeALoop) {
  std::vector<Order> stored;
  for (const Order& o : VariedOrders(merchant_, 6)) stored.push_back(InsertOrder(o));
  std::vector<Order> batch = {stored[0], stored[1], stored[0], stored[2], stored[1]};
  batch[0].status = OrderStatus::kPlaced;
  batch[0].updated = 1;
  batch[1].status = OrderStatus::kCancelled;
  batch[1].updated = 2;
  batch[2].status = OrderStatus::kOutOfStock;  // order 0 again: this one wins
  batch[2].oos_since = Day(1);
  batch[2].updated = 3;
  batch[3].updated = 4;
  batch[4].cancel_reason = "again";  // order 1 again
  batch[4].updated = 5;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().UpdateMany(batch); }),
            Status::Ok());
  EXPECT_EQ(FindOrder(merchant_, stored[0].id), batch[2]);
  EXPECT_EQ(FindOrder(merchant_, stored[1].id), batch[4]);
  EXPECT_EQ(FindOrder(merchant_, stored[2].id), batch[3]);
  EXPECT_EQ(FindOrder(merchant_, stored[3].id), stored[3]);
}

TEST_P(StorePlacementBatchTest, AppendOfManyEventsKeepsTheirOrderAndIsAllOrNothing) {
  Order o1 = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kOutOfStock, {}));
  Order o2 = InsertOrder(MakeOrder(merchant_, "c2", Day(0), OrderStatus::kOutOfStock, {}));
  std::vector<model::OrderEvent> events;
  for (int i = 0; i < 150; ++i) {
    events.push_back({.merchant_id = merchant_,
                      .order_id = i % 3 == 0 ? o2.id : o1.id,
                      .type = i % 2 == 0 ? model::OrderEventType::kOosNotice
                                         : model::OrderEventType::kOutOfStock,
                      .day_in_flow = i,
                      .date = Day(i % 40),
                      .created = 5000 + i});
  }
  // A missing order late in the batch (past the first statements a backend may use).
  std::vector<model::OrderEvent> bad = events;
  bad[140].order_id = o2.id + 1000;
  Status inside;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) {
              inside = tx.order_events().Append(bad);
              return Status::Ok();
            }),
            Status::Ok());
  EXPECT_EQ(inside.code(), StatusCode::kInternal);
  EXPECT_TRUE(
      Read([&](Transaction& tx) { return tx.order_events().ListForOrder(merchant_, o1.id); })
          .empty())
      << "nothing of the refused batch stays, even inside a committed transaction";

  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.order_events().Append(events); }),
            Status::Ok());
  for (const Order& o : {o1, o2}) {
    std::vector<model::OrderEvent> want;
    for (const model::OrderEvent& e : events) {
      if (e.order_id == o.id) want.push_back(e);
    }
    std::vector<model::OrderEvent> listed =
        Read([&](Transaction& tx) { return tx.order_events().ListForOrder(merchant_, o.id); });
    ASSERT_EQ(listed.size(), want.size());
    for (std::size_t i = 0; i < listed.size(); ++i) {
      want[i].id = listed[i].id;
      EXPECT_EQ(listed[i], want[i]) << "in append order";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePlacementBatchTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
