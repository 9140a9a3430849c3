// Merchants, subscriptions and single orders of store/placement_repos.h, on every backend.
#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

// ---- Merchants ----

TEST_P(StorePlacementRepoTest, MerchantListAllReturnsEveryMerchantById) {
  std::vector<model::Merchant> all = Read([](Transaction& tx) { return tx.merchants().ListAll(); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, merchant_);
  EXPECT_EQ(all[0].public_id, "m");
  EXPECT_EQ(all[0].hash_key, MakeMerchant("m").hash_key);
  EXPECT_EQ(all[0].timezone, MakeMerchant("m").timezone);
  EXPECT_EQ(all[0].oos_policy, MakeMerchant("m").oos_policy);
  EXPECT_EQ(all[0].created, MakeMerchant("m").created);
  EXPECT_EQ(all[0].placement_minute, 4 * 60 + 30);
  EXPECT_EQ(all[1].id, other_);
  EXPECT_EQ(all[1].public_id, "other");
  EXPECT_LT(all[0].id, all[1].id);
}

// ---- Subscriptions ----

TEST_P(StorePlacementRepoTest, SubscriptionCreateThenFindRoundTripsEveryField) {
  Subscription s = MakeSubscription(merchant_, "c1", "p1");
  s.frequency = {.every = 2, .period = model::Period::kMonth};
  s.start = {2026, 1, 31};
  s.id = 12345;  // ignored
  std::int64_t id = CreateSubscription(s);
  ASSERT_NE(id, 0);
  ASSERT_NE(id, 12345);
  s.id = id;
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.subscriptions().Find(merchant_, id); }), s);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.subscriptions().Find(merchant_, id + 1); }),
            std::nullopt);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.subscriptions().Find(other_, id); }),
            std::nullopt)
      << "another merchant's subscription is invisible";
}

TEST_P(StorePlacementRepoTest, SubscriptionsOfOneCustomerShareTheCustomer) {
  std::int64_t a = CreateSubscription(MakeSubscription(merchant_, "c1", "p1"));
  std::int64_t b = CreateSubscription(MakeSubscription(merchant_, "c1", "p2"));
  // The same customer id under another merchant is another customer.
  std::int64_t c = CreateSubscription(MakeSubscription(other_, "c1", "p1"));
  EXPECT_NE(a, 0);
  EXPECT_NE(b, 0);
  EXPECT_NE(c, 0);
  EXPECT_NE(a, b);
}

TEST_P(StorePlacementRepoTest, SubscriptionFindManyIsAlignedWithRepeatsAndMissingIds) {
  Subscription s1 = MakeSubscription(merchant_, "c1", "p1");
  Subscription s2 = MakeSubscription(merchant_, "c2", "p2");
  Subscription foreign = MakeSubscription(other_, "c1", "p1");
  s1.id = CreateSubscription(s1);
  s2.id = CreateSubscription(s2);
  foreign.id = CreateSubscription(foreign);
  std::vector<std::int64_t> ids = {s2.id, 999'999, s1.id, s2.id, foreign.id};
  auto found = Read([&](Transaction& tx) { return tx.subscriptions().FindMany(merchant_, ids); });
  ASSERT_EQ(found.size(), ids.size());
  EXPECT_EQ(found[0], s2);
  EXPECT_EQ(found[1], std::nullopt);
  EXPECT_EQ(found[2], s1);
  EXPECT_EQ(found[3], s2);
  EXPECT_EQ(found[4], std::nullopt) << "another merchant's subscription is invisible";
  EXPECT_TRUE(
      Read([&](Transaction& tx) { return tx.subscriptions().FindMany(merchant_, {}); }).empty());
}

TEST_P(StorePlacementRepoTest, SubscriptionUpdateOverwritesOnlyMutableFields) {
  Subscription s = MakeSubscription(merchant_, "c1", "p1");
  s.id = CreateSubscription(s);
  Subscription changed = s;
  changed.quantity = 7;
  changed.frequency = {.every = 10, .period = model::Period::kDay};
  changed.status = model::SubscriptionStatus::kCancelled;
  changed.updated = s.updated + 500;
  // Not overwritten by Update:
  changed.customer_id = "someone-else";
  changed.product_id = "p9";
  changed.start = Day(40);
  changed.created = 1;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.subscriptions().Update(changed); }),
            Status::Ok());
  Subscription want = s;
  want.quantity = 7;
  want.frequency = changed.frequency;
  want.status = changed.status;
  want.updated = changed.updated;
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.subscriptions().Find(merchant_, s.id); }), want);
}

TEST_P(StorePlacementRepoTest, SubscriptionUpdateOfMissingIsNotFound) {
  Subscription s = MakeSubscription(merchant_, "c1", "p1");
  s.id = CreateSubscription(s);
  Subscription missing = s;
  missing.id = s.id + 100;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.subscriptions().Update(missing); }).code(),
            StatusCode::kNotFound);
  Subscription foreign = s;
  foreign.merchant_id = other_;
  foreign.quantity = 99;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.subscriptions().Update(foreign); }).code(),
            StatusCode::kNotFound)
      << "another merchant cannot update it";
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.subscriptions().Find(merchant_, s.id); }), s);
}

// ---- Orders: single order ----

TEST_P(StorePlacementRepoTest, OrderInsertThenFindRoundTripsEveryField) {
  Order full = MakeOrder(merchant_, "c1", Day(0), OrderStatus::kOutOfStock,
                         {{.subscription_id = 9, .product_id = "p9", .quantity = 1},
                          {.subscription_id = 3, .product_id = "p3", .quantity = 4}});
  full.oos_since = Day(-2);
  full.oos_expires = Day(28);
  full.last_notice_day = 15;
  full.placed_on = Day(-1);
  full.cancel_reason = "out_of_stock";
  full.created = 111;
  full.updated = 222;
  full.id = 777;  // ignored
  Order stored = InsertOrder(full);
  ASSERT_NE(stored.id, 0);
  ASSERT_NE(stored.id, 777);
  EXPECT_EQ(FindOrder(merchant_, stored.id), stored) << "items come by subscription id";

  Order bare = InsertOrder(MakeOrder(merchant_, "c2", Day(1), OrderStatus::kUnsent, {}));
  EXPECT_GT(bare.id, stored.id);
  EXPECT_EQ(FindOrder(merchant_, bare.id), bare);
  EXPECT_EQ(FindOrder(merchant_, bare.id + 1), std::nullopt);
  EXPECT_EQ(FindOrder(other_, stored.id), std::nullopt) << "another merchant's order is invisible";
}

TEST_P(StorePlacementRepoTest, OrderInsertWithDuplicateItemsIsAlreadyExistsAndWritesNothing) {
  Order o = MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                      {{.subscription_id = 1, .product_id = "p1", .quantity = 1},
                       {.subscription_id = 1, .product_id = "p2", .quantity = 1}});
  Status insert = WriteStatus([&](Transaction& tx) { return tx.orders().Insert(o).status(); });
  EXPECT_EQ(insert.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(ListForPlacement(merchant_, Day(0), 0, 10).empty());
  EXPECT_TRUE(List(merchant_, {}, {}).empty());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.orders().FindUnsent(merchant_, "c1", Day(0)); }),
            std::nullopt);
  // The same items under other subscriptions go in, and the rejected order left no trace.
  o.items[1].subscription_id = 2;
  Order stored = InsertOrder(o);
  EXPECT_EQ(List(merchant_, {}, {}), std::vector<Order>{stored});
}

TEST_P(StorePlacementRepoTest, OrderUpdateWithoutItemsChangedKeepsItems) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                                  {{.subscription_id = 1, .product_id = "p1", .quantity = 2}}));
  Order changed = o;
  changed.customer_id = "c9";
  changed.status = OrderStatus::kOutOfStock;
  changed.place_date = Day(1);
  changed.oos_since = Day(0);
  changed.oos_expires = Day(30);
  changed.last_notice_day = 1;
  changed.cancel_reason = "x";
  changed.updated = o.updated + 10;
  changed.items = {{.subscription_id = 5, .product_id = "p5", .quantity = 9}};
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(changed, false); }),
            Status::Ok());
  Order want = changed;
  want.items = o.items;
  EXPECT_EQ(FindOrder(merchant_, o.id), want);

  EXPECT_EQ(Read([&](Transaction& tx) { return tx.orders().FindUnsent(merchant_, "c1", Day(0)); }),
            std::nullopt);

  // Only the state changes (the common case in placement); optional dates can be cleared.
  Order cleared = want;
  cleared.oos_since.reset();
  cleared.oos_expires.reset();
  cleared.status = OrderStatus::kPlaced;
  cleared.placed_on = Day(2);
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(cleared, false); }),
            Status::Ok());
  EXPECT_EQ(FindOrder(merchant_, o.id), cleared);

  Order created_changed = cleared;
  created_changed.created = 5;
  ASSERT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.orders().Update(created_changed, false); }),
      Status::Ok());
  EXPECT_EQ(FindOrder(merchant_, o.id), created_changed);
}

TEST_P(StorePlacementRepoTest, OrderUpdateWithItemsChangedReplacesItems) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                                  {{.subscription_id = 1, .product_id = "p1", .quantity = 2},
                                   {.subscription_id = 2, .product_id = "p2", .quantity = 3}}));
  Order changed = o;
  changed.status = OrderStatus::kPlaced;
  changed.items = {{.subscription_id = 4, .product_id = "p4", .quantity = 1},
                   {.subscription_id = 2, .product_id = "p2", .quantity = 5}};
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(changed, true); }),
            Status::Ok());
  Order want = changed;
  want.items = {changed.items[1], changed.items[0]};
  EXPECT_EQ(FindOrder(merchant_, o.id), want);

  changed.items.clear();
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(changed, true); }),
            Status::Ok());
  EXPECT_EQ(FindOrder(merchant_, o.id), changed);
}

TEST_P(StorePlacementRepoTest, OrderUpdateOfMissingIsNotFoundAndWritesNothing) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                                  {{.subscription_id = 1, .product_id = "p1", .quantity = 2}}));
  Order missing = o;
  missing.id = o.id + 1;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(missing, true); }).code(),
            StatusCode::kNotFound);
  Order foreign = o;
  foreign.merchant_id = other_;
  foreign.status = OrderStatus::kCancelled;
  foreign.items.clear();
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(foreign, true); }).code(),
            StatusCode::kNotFound)
      << "another merchant cannot update it";
  EXPECT_EQ(FindOrder(merchant_, o.id), o);
}

TEST_P(StorePlacementRepoTest, OrderUpdateWithDuplicateItemsWritesNothing) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                                  {{.subscription_id = 1, .product_id = "p1", .quantity = 2}}));
  Order changed = o;
  changed.status = OrderStatus::kPlaced;
  changed.items = {{.subscription_id = 3, .product_id = "p3", .quantity = 1},
                   {.subscription_id = 3, .product_id = "p4", .quantity = 1}};
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(changed, true); }).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(FindOrder(merchant_, o.id), o);
}

TEST_P(StorePlacementRepoTest, OrderAddItemAppendsOneItem) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent,
                                  {{.subscription_id = 5, .product_id = "p5", .quantity = 2}}));
  OrderItem item{.subscription_id = 2, .product_id = "p2", .quantity = 6};
  ASSERT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.orders().AddItem(merchant_, o.id, item); }),
      Status::Ok());
  o.items.insert(o.items.begin(), item);
  EXPECT_EQ(FindOrder(merchant_, o.id), o);

  OrderItem again{.subscription_id = 2, .product_id = "p7", .quantity = 1};
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.orders().AddItem(merchant_, o.id, again);
            }).code(),
            StatusCode::kAlreadyExists);
  // Another merchant's order id does not exist for this merchant.
  OrderItem stray{.subscription_id = 3, .product_id = "p3", .quantity = 1};
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.orders().AddItem(other_, o.id, stray); }).code(),
      StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.orders().AddItem(merchant_, o.id + 9, stray);
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(FindOrder(merchant_, o.id), o);
  EXPECT_EQ(FindOrder(other_, o.id), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePlacementRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing

