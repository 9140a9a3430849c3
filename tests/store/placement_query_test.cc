// Placement queries, order events and placement runs of store/placement_repos.h, on every
// backend.
#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

class StorePlacementQueryTest : public StorePlacementRepoTest {};

// ---- Orders: placement queries ----

TEST_P(StorePlacementQueryTest, ListForPlacementTakesDueUnsentAndOutOfStockOrders) {
  CivilDate d = Day(0);
  auto item = [](std::int64_t sub) {
    return OrderItem{
        .subscription_id = sub, .product_id = "p" + std::to_string(sub), .quantity = sub};
  };
  std::vector<Order> want;
  want.push_back(
      InsertOrder(MakeOrder(merchant_, "a", d, OrderStatus::kUnsent, {item(2), item(1)})));
  InsertOrder(MakeOrder(merchant_, "b", Day(1), OrderStatus::kUnsent, {item(3)}));  // not yet due
  want.push_back(InsertOrder(MakeOrder(merchant_, "c", Day(-1), OrderStatus::kUnsent, {item(4)})));
  InsertOrder(MakeOrder(merchant_, "d", Day(-1), OrderStatus::kPlaced, {item(5)}));
  InsertOrder(MakeOrder(other_, "a", d, OrderStatus::kUnsent, {item(6)}));  // another merchant
  want.push_back(
      InsertOrder(MakeOrder(merchant_, "e", Day(-20), OrderStatus::kOutOfStock, {item(7)})));
  InsertOrder(MakeOrder(merchant_, "f", Day(-3), OrderStatus::kCancelled, {item(8)}));
  InsertOrder(MakeOrder(merchant_, "g", Day(-3), OrderStatus::kRejected, {item(9)}));
  InsertOrder(MakeOrder(merchant_, "h", Day(5), OrderStatus::kOutOfStock, {item(10)}));
  want.push_back(InsertOrder(MakeOrder(merchant_, "i", d, OrderStatus::kUnsent, {})));
  want.push_back(InsertOrder(
      MakeOrder(merchant_, "j", d, OrderStatus::kOutOfStock, {item(13), item(11), item(12)})));

  EXPECT_EQ(ListForPlacement(merchant_, d, 0, 100), want);
  EXPECT_EQ(ListForPlacement(merchant_, d, 0, std::numeric_limits<std::size_t>::max()), want);
  EXPECT_EQ(ListForPlacement(merchant_, d, 0, want.size()), want);

  // Pages of two: every order once, with all of its items, whatever the page boundaries.
  std::vector<Order> paged;
  std::int64_t after = 0;
  for (int pages = 0; pages < 10; ++pages) {
    std::vector<Order> page = ListForPlacement(merchant_, d, after, 2);
    EXPECT_LE(page.size(), 2u);
    if (page.empty()) break;
    after = page.back().id;
    paged.insert(paged.end(), page.begin(), page.end());
  }
  EXPECT_EQ(paged, want);

  EXPECT_EQ(Ids(ListForPlacement(merchant_, d, want[1].id, 2)),
            (std::vector<std::int64_t>{want[2].id, want[3].id}));
  EXPECT_TRUE(ListForPlacement(merchant_, d, want.back().id, 10).empty());
  EXPECT_TRUE(ListForPlacement(merchant_, d, 0, 0).empty());
  EXPECT_EQ(Ids(ListForPlacement(merchant_, Day(-1), 0, 10)),
            (std::vector<std::int64_t>{want[1].id, want[2].id}));
  EXPECT_EQ(Ids(ListForPlacement(other_, d, 0, 10)).size(), 1u);
}

TEST_P(StorePlacementQueryTest, ListOutOfStockWithProductsMatchesAnyItem) {
  std::string odd = "p\"4\\\n";  // needs escaping on the way to the database
  Order a = InsertOrder(MakeOrder(merchant_, "a", Day(-5), OrderStatus::kOutOfStock,
                                  {{.subscription_id = 1, .product_id = "p1", .quantity = 1},
                                   {.subscription_id = 2, .product_id = "p2", .quantity = 1}}));
  Order b = InsertOrder(MakeOrder(merchant_, "b", Day(-4), OrderStatus::kOutOfStock,
                                  {{.subscription_id = 3, .product_id = "p3", .quantity = 1}}));
  Order c = InsertOrder(MakeOrder(merchant_, "c", Day(-3), OrderStatus::kOutOfStock,
                                  {{.subscription_id = 4, .product_id = "p1", .quantity = 1},
                                   {.subscription_id = 5, .product_id = odd, .quantity = 1}}));
  InsertOrder(MakeOrder(merchant_, "d", Day(-3), OrderStatus::kUnsent,
                        {{.subscription_id = 6, .product_id = "p1", .quantity = 1}}));
  InsertOrder(MakeOrder(merchant_, "e", Day(-3), OrderStatus::kPlaced,
                        {{.subscription_id = 7, .product_id = "p1", .quantity = 1}}));
  InsertOrder(MakeOrder(other_, "a", Day(-3), OrderStatus::kOutOfStock,
                        {{.subscription_id = 8, .product_id = "p1", .quantity = 1}}));

  auto list = [&](model::MerchantId merchant, std::vector<std::string_view> products,
                  std::int64_t after, std::size_t limit) {
    return Read([&](Transaction& tx) -> Result<std::vector<Order>> {
      RESTOCK_ASSIGN_OR_RETURN(PlacementPage page, tx.orders().ListOutOfStockWithProducts(
                                                       merchant, products, after, limit));
      EXPECT_TRUE(page.unreadable.empty());
      return std::move(page.orders);
    });
  };
  EXPECT_EQ(list(merchant_, {"p1"}, 0, 10), (std::vector<Order>{a, c}));
  EXPECT_EQ(list(merchant_, {"p3", "p2"}, 0, 10), (std::vector<Order>{a, b}));
  EXPECT_EQ(list(merchant_, {"p2", "p3", "p1", "p1"}, 0, 10), (std::vector<Order>{a, b, c}));
  EXPECT_EQ(list(merchant_, {"p1", "p3"}, a.id, 1), (std::vector<Order>{b}));
  EXPECT_EQ(list(merchant_, {odd}, 0, 10), (std::vector<Order>{c}));
  EXPECT_TRUE(list(merchant_, {"p\"4"}, 0, 10).empty());
  EXPECT_TRUE(list(merchant_, {"nothing"}, 0, 10).empty());
  EXPECT_TRUE(list(merchant_, {}, 0, 10).empty());
  EXPECT_EQ(Ids(list(other_, {"p1"}, 0, 10)).size(), 1u);
}

TEST_P(StorePlacementQueryTest, ListFiltersByStatusAndDateInBothDirections) {
  constexpr OrderStatus kStatuses[] = {OrderStatus::kUnsent, OrderStatus::kPlaced,
                                       OrderStatus::kPlaced, OrderStatus::kOutOfStock,
                                       OrderStatus::kPlaced, OrderStatus::kUnsent};
  std::vector<Order> all;
  all.reserve(6);
  for (int i = 0; i < 6; ++i) {
    all.push_back(
        InsertOrder(MakeOrder(merchant_, "c" + std::to_string(i), Day(i % 2), kStatuses[i],
                              {{.subscription_id = i + 1, .product_id = "p", .quantity = 1},
                               {.subscription_id = 100 - i, .product_id = "q", .quantity = 2}})));
  }
  InsertOrder(MakeOrder(other_, "c", Day(0), OrderStatus::kPlaced, {}));
  auto pick = [&](const std::vector<int>& indexes) {
    std::vector<Order> orders;
    orders.reserve(indexes.size());
    for (int i : indexes) orders.push_back(all[i]);
    return orders;
  };

  EXPECT_EQ(List(merchant_, {}, {}), all);
  EXPECT_EQ(List(merchant_, {}, After(all[1].id, 2)), pick({2, 3}));
  EXPECT_EQ(List(merchant_, {}, Before(all[4].id, 3)), pick({3, 2, 1}))
      << "backwards pages are newest first";
  EXPECT_EQ(List(merchant_, {}, Before(all[1].id, 3)), pick({0}));

  OrderFilter placed = Filter(OrderStatus::kPlaced, std::nullopt);
  EXPECT_EQ(List(merchant_, placed, {}), pick({1, 2, 4}));
  EXPECT_EQ(List(merchant_, placed, After(all[1].id, 1)), pick({2}));
  EXPECT_EQ(List(merchant_, placed, Before(all[4].id)), pick({2, 1}));

  // unsent and out_of_stock are walked through their own indexes.
  OrderFilter unsent = Filter(OrderStatus::kUnsent, std::nullopt);
  EXPECT_EQ(List(merchant_, unsent, {}), pick({0, 5}));
  EXPECT_EQ(List(merchant_, unsent, After(all[0].id)), pick({5}));
  EXPECT_EQ(List(merchant_, unsent, Before(all[5].id)), pick({0}));
  OrderFilter oos = Filter(OrderStatus::kOutOfStock, std::nullopt);
  EXPECT_EQ(List(merchant_, oos, {}), pick({3}));
  EXPECT_EQ(List(merchant_, oos, Before(all[5].id)), pick({3}));
  EXPECT_TRUE(List(merchant_, oos, Before(all[3].id)).empty());
  EXPECT_EQ(List(merchant_, Filter(OrderStatus::kUnsent, Day(1)), {}), pick({5}));

  OrderFilter day1 = Filter(std::nullopt, Day(1));
  EXPECT_EQ(List(merchant_, day1, {}), pick({1, 3, 5}));
  EXPECT_EQ(List(merchant_, day1, Before(all[5].id, 1)), pick({3}));

  OrderFilter both = Filter(OrderStatus::kPlaced, Day(0));
  EXPECT_EQ(List(merchant_, both, {}), pick({2, 4}));
  EXPECT_EQ(List(merchant_, both, After(all[2].id)), pick({4}));
  EXPECT_EQ(List(merchant_, both, Before(all[4].id)), pick({2}));

  EXPECT_TRUE(List(merchant_, Filter(OrderStatus::kCancelled, std::nullopt), {}).empty());
  EXPECT_EQ(Ids(List(other_, {}, {})).size(), 1u) << "another merchant's orders are invisible";
  EXPECT_TRUE(List(other_, unsent, {}).empty());
  EXPECT_TRUE(List(other_, placed, After(0)).size() == 1u);
}

TEST_P(StorePlacementQueryTest, FindUnsentMatchesCustomerDateAndStatus) {
  Order placed = InsertOrder(MakeOrder(merchant_, "c1", Day(3), OrderStatus::kPlaced, {}));
  Order unsent = InsertOrder(MakeOrder(merchant_, "c1", Day(3), OrderStatus::kUnsent, {}));
  InsertOrder(MakeOrder(merchant_, "c1", Day(4), OrderStatus::kUnsent, {}));
  InsertOrder(MakeOrder(merchant_, "c2", Day(5), OrderStatus::kUnsent, {}));
  InsertOrder(MakeOrder(merchant_, "c1", Day(6), OrderStatus::kOutOfStock, {}));
  auto find = [&](model::MerchantId merchant, std::string_view customer, CivilDate date) {
    return Read([&](Transaction& tx) { return tx.orders().FindUnsent(merchant, customer, date); });
  };
  EXPECT_EQ(find(merchant_, "c1", Day(3)), unsent.id);
  EXPECT_NE(find(merchant_, "c1", Day(3)), placed.id);
  EXPECT_EQ(find(merchant_, "c1", Day(5)), std::nullopt);
  EXPECT_EQ(find(merchant_, "c2", Day(3)), std::nullopt);
  EXPECT_EQ(find(merchant_, "c1", Day(6)), std::nullopt);
  EXPECT_EQ(find(other_, "c1", Day(3)), std::nullopt);
}

TEST_P(StorePlacementQueryTest, FindUnsentManyAnswersLikeFindUnsentForEachKey) {
  Order first = InsertOrder(MakeOrder(merchant_, "c1", Day(3), OrderStatus::kUnsent, {}));
  InsertOrder(MakeOrder(merchant_, "c1", Day(3), OrderStatus::kUnsent, {}));  // a later one
  InsertOrder(MakeOrder(merchant_, "c1", Day(4), OrderStatus::kPlaced, {}));
  Order c2 = InsertOrder(MakeOrder(merchant_, "c2", Day(4), OrderStatus::kUnsent, {}));
  InsertOrder(MakeOrder(other_, "c3", Day(3), OrderStatus::kUnsent, {}));
  // More keys than one statement holds, with repeats and misses between the hits.
  std::vector<std::string> customers;
  std::vector<store::UnsentKey> keys;
  for (int i = 0; i < 150; ++i) customers.push_back("c" + std::to_string(i % 5));
  for (int i = 0; i < 150; ++i) keys.push_back({customers[i], Day(3 + (i % 3))});
  auto many = Read([&](Transaction& tx) { return tx.orders().FindUnsentMany(merchant_, keys); });
  ASSERT_EQ(many.size(), keys.size());
  int hits = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto one = Read([&](Transaction& tx) {
      return tx.orders().FindUnsent(merchant_, keys[i].customer_id, keys[i].date);
    });
    EXPECT_EQ(many[i], one) << "key " << i;
    hits += many[i].has_value() ? 1 : 0;
  }
  EXPECT_GT(hits, 0);
  // Key 6 is c1 on day 3, which has two unsent orders: the first is the answer.
  EXPECT_EQ(many[6], first.id);
  // c3's order belongs to the other merchant.
  std::vector<store::UnsentKey> direct = {{"c1", Day(3)}, {"c2", Day(4)}, {"c3", Day(3)}};
  auto exact = Read([&](Transaction& tx) { return tx.orders().FindUnsentMany(merchant_, direct); });
  EXPECT_EQ(exact, (std::vector<std::optional<std::int64_t>>{first.id, c2.id, std::nullopt}));
  auto none = Read([&](Transaction& tx) {
    return tx.orders().FindUnsentMany(merchant_, std::span<const store::UnsentKey>());
  });
  EXPECT_TRUE(none.empty());
}

TEST_P(StorePlacementQueryTest, FindUnsentWithSubscriptionReturnsTheUpcomingOrder) {
  std::int64_t s1 = CreateSubscription(MakeSubscription(merchant_, "c1", "p"));
  std::int64_t s2 = CreateSubscription(MakeSubscription(merchant_, "c1", "q"));
  std::int64_t s3 = CreateSubscription(MakeSubscription(merchant_, "c2", "p"));
  std::int64_t idle = CreateSubscription(MakeSubscription(merchant_, "c1", "r"));
  std::int64_t foreign = CreateSubscription(MakeSubscription(other_, "c1", "p"));
  OrderItem item1{.subscription_id = s1, .product_id = "p", .quantity = 1};
  OrderItem item2{.subscription_id = s2, .product_id = "q", .quantity = 2};
  InsertOrder(MakeOrder(merchant_, "c1", Day(-30), OrderStatus::kPlaced, {item1}));
  InsertOrder(MakeOrder(merchant_, "c1", Day(-2), OrderStatus::kOutOfStock, {item1}));
  Order upcoming =
      InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kUnsent, {item2, item1}));
  InsertOrder(MakeOrder(merchant_, "c1", Day(9), OrderStatus::kPlaced, {item1, item2}));
  Order other_customer =
      InsertOrder(MakeOrder(merchant_, "c2", Day(0), OrderStatus::kUnsent,
                            {{.subscription_id = s3, .product_id = "p", .quantity = 1}}));
  InsertOrder(MakeOrder(other_, "c1", Day(0), OrderStatus::kUnsent,
                        {{.subscription_id = foreign, .product_id = "p", .quantity = 1}}));
  auto find = [&](model::MerchantId merchant, std::int64_t subscription) {
    return Read([&](Transaction& tx) {
      return tx.orders().FindUnsentWithSubscription(merchant, subscription);
    });
  };
  EXPECT_EQ(find(merchant_, s1), upcoming);
  EXPECT_EQ(find(merchant_, s2), upcoming);
  EXPECT_EQ(find(merchant_, s3), other_customer);
  EXPECT_EQ(find(merchant_, idle), std::nullopt);
  EXPECT_EQ(find(merchant_, foreign), std::nullopt) << "another merchant's subscription";
  EXPECT_EQ(find(merchant_, 999'999), std::nullopt);
  EXPECT_EQ(find(other_, s1), std::nullopt);

  Order placed = upcoming;
  placed.status = OrderStatus::kPlaced;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(placed, false); }),
            Status::Ok());
  EXPECT_EQ(find(merchant_, s1), std::nullopt);
  // Against the rules, two unsent orders: the one due last wins.
  Order early = InsertOrder(MakeOrder(merchant_, "c1", Day(3), OrderStatus::kUnsent, {item1}));
  Order late = InsertOrder(MakeOrder(merchant_, "c1", Day(5), OrderStatus::kUnsent, {item1}));
  Order later_id = InsertOrder(MakeOrder(merchant_, "c1", Day(4), OrderStatus::kUnsent, {item1}));
  EXPECT_EQ(find(merchant_, s1), late);
  EXPECT_NE(find(merchant_, s1), early);
  EXPECT_NE(find(merchant_, s1), later_id);
}

TEST_P(StorePlacementQueryTest, UnitsDueSumsUnsentAndOutOfStockByPlaceDate) {
  auto items = [](std::int64_t p_units, std::int64_t q_units) {
    std::vector<OrderItem> list;
    if (p_units > 0) list.push_back({.subscription_id = 1, .product_id = "p", .quantity = p_units});
    if (q_units > 0) list.push_back({.subscription_id = 2, .product_id = "q", .quantity = q_units});
    return list;
  };
  InsertOrder(MakeOrder(merchant_, "a", Day(0), OrderStatus::kUnsent, items(2, 5)));
  InsertOrder(MakeOrder(merchant_, "b", Day(0), OrderStatus::kUnsent, items(3, 0)));
  InsertOrder(MakeOrder(merchant_, "c", Day(0), OrderStatus::kPlaced, items(100, 0)));
  InsertOrder(MakeOrder(merchant_, "d", Day(-3), OrderStatus::kOutOfStock, items(7, 0)));
  InsertOrder(MakeOrder(merchant_, "e", Day(2), OrderStatus::kUnsent, items(1, 0)));
  InsertOrder(MakeOrder(merchant_, "f", Day(2), OrderStatus::kCancelled, items(50, 0)));
  InsertOrder(MakeOrder(merchant_, "g", Day(9), OrderStatus::kUnsent, items(4, 0)));
  InsertOrder(MakeOrder(other_, "a", Day(0), OrderStatus::kUnsent, items(1000, 0)));
  auto units = [&](model::MerchantId merchant, std::string_view product, CivilDate from,
                   CivilDate to) {
    return Read([&](Transaction& tx) { return tx.orders().UnitsDue(merchant, product, from, to); });
  };
  using Units = std::vector<std::pair<CivilDate, std::int64_t>>;
  EXPECT_EQ(units(merchant_, "p", Day(-3), Day(9)),
            (Units{{Day(-3), 7}, {Day(0), 5}, {Day(2), 1}, {Day(9), 4}}));
  EXPECT_EQ(units(merchant_, "p", Day(0), Day(2)), (Units{{Day(0), 5}, {Day(2), 1}}))
      << "both ends are inclusive";
  EXPECT_EQ(units(merchant_, "p", Day(1), Day(1)), Units{});
  EXPECT_EQ(units(merchant_, "q", Day(-10), Day(10)), (Units{{Day(0), 5}}));
  EXPECT_EQ(units(merchant_, "r", Day(-10), Day(10)), Units{});
  EXPECT_EQ(units(other_, "p", Day(-10), Day(10)), (Units{{Day(0), 1000}}));
}

// ---- Order events and placement runs ----

TEST_P(StorePlacementQueryTest, OrderHistoryEventsKeepTheirItemAndCycleDate) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kPlaced, {}));
  std::vector<model::OrderEvent> events(3);
  const model::OrderEventType types[] = {model::OrderEventType::kCycleSkipped,
                                         model::OrderEventType::kItemSkipped,
                                         model::OrderEventType::kOversold};
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i] = model::OrderEvent{.merchant_id = merchant_,
                                  .order_id = o.id,
                                  .type = types[i],
                                  .date = Day(0),
                                  .created = 2000,
                                  .subscription_id = 40 + static_cast<std::int64_t>(i),
                                  .product_id = "p\"" + std::to_string(i),
                                  .quantity = 3 + static_cast<std::int64_t>(i)};
  }
  events[0].cycle_date = Day(-7);
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.order_events().Append(events); }),
            Status::Ok());
  std::vector<model::OrderEvent> listed =
      Read([&](Transaction& tx) { return tx.order_events().ListForOrder(merchant_, o.id); });
  ASSERT_EQ(listed.size(), events.size());
  for (std::size_t i = 0; i < listed.size(); ++i) {
    events[i].id = listed[i].id;
    EXPECT_EQ(listed[i], events[i]);
  }
}

TEST_P(StorePlacementQueryTest, OrderEventsListOldestFirstPerOrder) {
  Order o1 = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kOutOfStock, {}));
  Order o2 = InsertOrder(MakeOrder(merchant_, "c2", Day(0), OrderStatus::kPlaced, {}));
  auto event = [&](const Order& o, model::OrderEventType type, int day, int date) {
    return model::OrderEvent{.merchant_id = merchant_,
                             .order_id = o.id,
                             .type = type,
                             .day_in_flow = day,
                             .date = Day(date),
                             .created = 1000 + date};
  };
  std::vector<model::OrderEvent> events = {event(o1, model::OrderEventType::kOutOfStock, 1, 0),
                                           event(o1, model::OrderEventType::kOosNotice, 1, 0),
                                           event(o2, model::OrderEventType::kPlaced, 0, 0),
                                           event(o1, model::OrderEventType::kOosNotice, 15, 14),
                                           event(o1, model::OrderEventType::kCancelled, 31, 30)};
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.order_events().Append(events); }),
            Status::Ok());
  std::vector<model::OrderEvent> listed =
      Read([&](Transaction& tx) { return tx.order_events().ListForOrder(merchant_, o1.id); });
  ASSERT_EQ(listed.size(), 4u);
  constexpr std::size_t kWant[] = {0, 1, 3, 4};  // indexes into `events`
  for (std::size_t i = 0; i < listed.size(); ++i) {
    model::OrderEvent expected = events[kWant[i]];
    expected.id = listed[i].id;
    EXPECT_EQ(listed[i], expected);
    if (i > 0) {
      EXPECT_GT(listed[i].id, listed[i - 1].id);
    }
  }
  EXPECT_EQ(Read([&](Transaction& tx) {
              return tx.order_events().ListForOrder(merchant_, o2.id);
            }).size(),
            1u);
  EXPECT_TRUE(
      Read([&](Transaction& tx) { return tx.order_events().ListForOrder(other_, o1.id); }).empty())
      << "another merchant's events are invisible";
}

TEST_P(StorePlacementQueryTest, OrderEventBatchIsAllOrNothing) {
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kPlaced, {}));
  std::vector<model::OrderEvent> events = {
      {.merchant_id = merchant_, .order_id = o.id, .date = Day(0)},
      {.merchant_id = merchant_, .order_id = o.id + 1000, .date = Day(0)}};  // no such order
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.order_events().Append(events); }).code(),
            StatusCode::kInternal);
  events[1].order_id = o.id;
  events[1].merchant_id = other_;  // not this merchant's order
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.order_events().Append(events); }).code(),
            StatusCode::kInternal);
  EXPECT_TRUE(Read([&](Transaction& tx) {
                return tx.order_events().ListForOrder(merchant_, o.id);
              }).empty());
}

TEST_P(StorePlacementQueryTest, PlacementRunsRecordIdempotentlyAndReportTheLatest) {
  auto last = [&](model::MerchantId merchant) {
    return Read([&](Transaction& tx) { return tx.placement_runs().LastCompleted(merchant); });
  };
  EXPECT_EQ(last(merchant_), std::nullopt);
  auto record = [&](CivilDate date, UnixMicros at) {
    return WriteStatus(
        [&](Transaction& tx) { return tx.placement_runs().RecordCompleted(merchant_, date, at); });
  };
  ASSERT_EQ(record(Day(5), 100), Status::Ok());
  ASSERT_EQ(record(Day(-400), 200), Status::Ok());  // an older day, across a year boundary
  EXPECT_EQ(last(merchant_), Day(5));
  ASSERT_EQ(record(Day(5), 300), Status::Ok()) << "recording a day twice is fine";
  ASSERT_EQ(record(Day(31), 400), Status::Ok());
  EXPECT_EQ(last(merchant_), Day(31));
  EXPECT_EQ(last(other_), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePlacementQueryTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing

