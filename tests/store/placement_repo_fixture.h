// The fixture shared by the placement repository suites (placement_repo_test.cc,
// placement_query_test.cc), run against every backend.
#pragma once
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
inline void PrintTo(const CivilDate& d, std::ostream* os) { *os << FormatDate(d); }
}  // namespace restock

namespace restock::model {
inline void PrintTo(const OrderItem& item, std::ostream* os) {
  *os << "{sub " << item.subscription_id << ", " << item.product_id << " x" << item.quantity << "}";
}
inline void PrintTo(const Order& o, std::ostream* os) {
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
    if (HasFatalFailure() || IsSkipped()) return;
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
    return Read([&](Transaction& tx) -> Result<std::vector<Order>> {
      RESTOCK_ASSIGN_OR_RETURN(PlacementPage page,
                               tx.orders().ListForPlacement(merchant, date, after_id, limit));
      EXPECT_TRUE(page.unreadable.empty());
      return std::move(page.orders);
    });
  }

  std::vector<Order> List(model::MerchantId merchant, const OrderFilter& filter,
                          const OrderPage& page) {
    return Read([&](Transaction& tx) { return tx.orders().List(merchant, filter, page); });
  }

  model::MerchantId merchant_ = 0;
  model::MerchantId other_ = 0;
};

[[maybe_unused]] OrderPage After(std::int64_t id, std::size_t limit = 10) {
  OrderPage page;
  page.after_id = id;
  page.limit = limit;
  return page;
}

[[maybe_unused]] OrderPage Before(std::int64_t id, std::size_t limit = 10) {
  OrderPage page;
  page.before_id = id;
  page.limit = limit;
  return page;
}

[[maybe_unused]] OrderFilter Filter(std::optional<OrderStatus> status, std::optional<CivilDate> place_date) {
  OrderFilter filter;
  filter.status = status;
  filter.place_date = place_date;
  return filter;
}

[[maybe_unused]] std::vector<std::int64_t> Ids(const std::vector<Order>& orders) {
  std::vector<std::int64_t> ids;
  ids.reserve(orders.size());
  for (const Order& o : orders) ids.push_back(o.id);
  return ids;
}

}  // namespace
}  // namespace restock::store::testing
