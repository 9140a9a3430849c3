// The repositories of store/placement_repos.h (subscriptions, orders, order events,
// placement runs) and MerchantRepo::ListAll, run against every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/order.h"
#include "model/subscription.h"
#include "store/database_fixture.h"

// Readable failure messages for the value types compared below.
namespace restock {
void PrintTo(const CivilDate& d, std::ostream* os) { *os << FormatDate(d); }
}  // namespace restock

namespace restock::model {
void PrintTo(const OrderItem& item, std::ostream* os) {
  *os << "{sub " << item.subscription_id << ", " << item.product_id << " x" << item.quantity << "}";
}
void PrintTo(const Order& o, std::ostream* os) {
  *os << "{id " << o.id << ", merchant " << o.merchant_id << ", " << o.customer_id << ", "
      << FormatDate(o.place_date) << ", " << OrderStatusName(o.status) << ", items [";
  for (const OrderItem& item : o.items) PrintTo(item, os);
  *os << "]}";
}
}  // namespace restock::model

namespace restock::store::testing {
namespace {

using model::Order;
using model::OrderItem;
using model::OrderStatus;
using model::Subscription;

// The value type T of a Result<T>.
template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

// Day `offset` relative to 2026-03-10.
CivilDate Day(int offset) { return CivilFromDays(DaysFromCivil({2026, 3, 10}) + offset); }

class StorePlacementRepoTest : public DatabaseFixture {
 protected:
  void SetUp() override {
    DatabaseFixture::SetUp();
    if (HasFatalFailure()) return;
    merchant_ = CreateMerchant("m");
    other_ = CreateMerchant("other");
  }

  // Runs `fn` (Transaction& -> Result<T>) in a write or read-only unit of work and returns
  // its value; fails the test (and returns T{}) on error.
  template <typename Fn>
  auto Write(Fn fn) {
    return Run(fn, /*read_only=*/false);
  }
  template <typename Fn>
  auto Read(Fn fn) {
    return Run(fn, /*read_only=*/true);
  }
  template <typename Fn>
  auto Run(Fn& fn, bool read_only) {
    using T = typename ResultValue<std::invoke_result_t<Fn&, Transaction&>>::type;
    std::optional<T> value;
    Work work = [&](Transaction& tx) -> Status {
      auto result = fn(tx);
      if (!result.ok()) return result.status();
      value = std::move(result).value();
      return Status::Ok();
    };
    Status status = read_only ? db_->RunReadOnly(work) : db_->RunInTransaction(work);
    EXPECT_EQ(status, Status::Ok());
    return value.has_value() ? std::move(*value) : T{};
  }

  // A write returning only a Status; the unit of work commits whatever that Status is.
  Status WriteStatus(const std::function<Status(Transaction&)>& fn) {
    Status result;
    EXPECT_EQ(db_->RunInTransaction([&](Transaction& tx) {
      result = fn(tx);
      return Status::Ok();
    }),
              Status::Ok());
    return result;
  }

  Subscription MakeSubscription(model::MerchantId merchant, std::string customer,
                                std::string product) {
    Subscription s;
    s.merchant_id = merchant;
    s.customer_id = std::move(customer);
    s.product_id = std::move(product);
    s.quantity = 2;
    s.frequency = {.every = 3, .period = model::Period::kWeek};
    s.status = model::SubscriptionStatus::kActive;
    s.start = Day(0);
    s.created = 1'780'000'000'000'000;
    s.updated = 1'780'000'000'000'001;
    return s;
  }

  std::int64_t CreateSubscription(const Subscription& s) {
    return Write([&](Transaction& tx) { return tx.subscriptions().Create(s); });
  }

  static Order MakeOrder(model::MerchantId merchant, std::string customer, CivilDate place_date,
                         OrderStatus status, std::vector<OrderItem> items) {
    Order o;
    o.merchant_id = merchant;
    o.customer_id = std::move(customer);
    o.place_date = place_date;
    o.status = status;
    o.items = std::move(items);
    o.created = 1'780'000'000'000'000;
    o.updated = 1'780'000'000'000'000;
    return o;
  }

  // Inserts `o` and returns it as the store should give it back: with its id, and items
  // by subscription id.
  Order InsertOrder(Order o) {
    o.id = Write([&](Transaction& tx) { return tx.orders().Insert(o); });
    std::sort(o.items.begin(), o.items.end(), [](const OrderItem& a, const OrderItem& b) {
      return a.subscription_id < b.subscription_id;
    });
    return o;
  }

  std::optional<Order> FindOrder(model::MerchantId merchant, std::int64_t id) {
    return Read([&](Transaction& tx) { return tx.orders().Find(merchant, id); });
  }

  std::vector<Order> ListForPlacement(model::MerchantId merchant, CivilDate date,
                                      std::int64_t after_id, std::size_t limit) {
    return Read([&](Transaction& tx) {
      return tx.orders().ListForPlacement(merchant, date, after_id, limit);
    });
  }

  std::vector<Order> List(model::MerchantId merchant, const OrderFilter& filter,
                          const OrderPage& page) {
    return Read([&](Transaction& tx) { return tx.orders().List(merchant, filter, page); });
  }

  model::MerchantId merchant_ = 0;
  model::MerchantId other_ = 0;
};

OrderPage After(std::int64_t id, std::size_t limit = 10) {
  OrderPage page;
  page.after_id = id;
  page.limit = limit;
  return page;
}

OrderPage Before(std::int64_t id, std::size_t limit = 10) {
  OrderPage page;
  page.before_id = id;
  page.limit = limit;
  return page;
}

OrderFilter Filter(std::optional<OrderStatus> status, std::optional<CivilDate> place_date) {
  OrderFilter filter;
  filter.status = status;
  filter.place_date = place_date;
  return filter;
}

std::vector<std::int64_t> Ids(const std::vector<Order>& orders) {
  std::vector<std::int64_t> ids;
  ids.reserve(orders.size());
  for (const Order& o : orders) ids.push_back(o.id);
  return ids;
}

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

// ---- Orders: placement queries ----

TEST_P(StorePlacementRepoTest, ListForPlacementTakesDueUnsentAndOutOfStockOrders) {
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

TEST_P(StorePlacementRepoTest, ListOutOfStockWithProductsMatchesAnyItem) {
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
    return Read([&](Transaction& tx) {
      return tx.orders().ListOutOfStockWithProducts(merchant, products, after, limit);
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

TEST_P(StorePlacementRepoTest, ListFiltersByStatusAndDateInBothDirections) {
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

TEST_P(StorePlacementRepoTest, FindUnsentMatchesCustomerDateAndStatus) {
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

TEST_P(StorePlacementRepoTest, FindUnsentWithSubscriptionReturnsTheUpcomingOrder) {
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

TEST_P(StorePlacementRepoTest, UnitsDueSumsUnsentAndOutOfStockByPlaceDate) {
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

TEST_P(StorePlacementRepoTest, OrderEventsListOldestFirstPerOrder) {
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

TEST_P(StorePlacementRepoTest, OrderEventBatchIsAllOrNothing) {
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

TEST_P(StorePlacementRepoTest, PlacementRunsRecordIdempotentlyAndReportTheLatest) {
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

INSTANTIATE_TEST_SUITE_P(Backends, StorePlacementRepoTest, ::testing::Values(SqliteBackend()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
