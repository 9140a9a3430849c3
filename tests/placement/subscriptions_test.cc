#include "placement/subscriptions.h"

#include <gtest/gtest.h>

#include <vector>

#include "placement/demand.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::placement {
namespace {

using model::OrderStatus;

CivilDate D(const char* text) { return *ParseDate(text); }

model::Merchant Merchant1() {
  model::Merchant m;
  m.id = 1;
  return m;
}

SubscriptionChange Cancel() {
  SubscriptionChange c;
  c.cancel = true;
  return c;
}

SubscriptionChange Quantity(std::int64_t q) {
  SubscriptionChange c;
  c.quantity = q;
  return c;
}

class SubscriptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Product p;
    p.product_id = "coffee";
    p.inventory = 10;
    db_.state().products[{1, "coffee"}] = p;
    p.product_id = "tea";
    p.inventory.reset();
    db_.state().products[{1, "tea"}] = p;
  }

  CreatedSubscription Create(const std::string& customer, const std::string& product,
                             CivilDate start, std::int64_t quantity = 1) {
    auto r = CreateSubscription(db_, clock_, 1,
                                {customer, product, quantity, {1, model::Period::kMonth}, start});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CreatedSubscription{};
  }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
};

TEST_F(SubscriptionsTest, SameCustomerSameDayShareAnOrder) {
  auto a = Create("c1", "coffee", D("2026-12-01"));
  auto b = Create("c1", "tea", D("2026-12-01"));
  auto c = Create("c2", "tea", D("2026-12-01"));
  EXPECT_EQ(a.order_id, b.order_id);
  EXPECT_NE(a.order_id, c.order_id);
  EXPECT_EQ(db_.state().orders.at(a.order_id).items.size(), 2u);
  EXPECT_EQ(a.place_date, D("2026-12-01"));
}

TEST_F(SubscriptionsTest, RejectsBadInputAndUnknownProducts) {
  auto bad = [&](NewSubscription n) { return CreateSubscription(db_, clock_, 1, n).status().code(); };
  NewSubscription ok{"c1", "coffee", 1, {1, model::Period::kMonth}, D("2026-12-01")};
  NewSubscription n = ok;
  n.quantity = 0;
  EXPECT_EQ(bad(n), StatusCode::kInvalidArgument);
  n = ok;
  n.frequency.every = 0;
  EXPECT_EQ(bad(n), StatusCode::kInvalidArgument);
  n = ok;
  n.customer_id = "";
  EXPECT_EQ(bad(n), StatusCode::kInvalidArgument);
  n = ok;
  n.product_id = "nope";
  EXPECT_EQ(bad(n), StatusCode::kNotFound);
  // Schedules must stay within 0001-01-01..9999-12-31: the start and the date after it.
  n = ok;
  n.start = D("9999-12-15");  // next: 10000-01-15
  EXPECT_EQ(bad(n), StatusCode::kInvalidArgument);
  n.start = CivilDate{0, 6, 1};
  EXPECT_EQ(bad(n), StatusCode::kInvalidArgument);
  n.start = D("9999-12-15");
  n.frequency = {1, model::Period::kWeek};  // next: 9999-12-22
  EXPECT_TRUE(CreateSubscription(db_, clock_, 1, n).ok());
  SubscriptionChange monthly;
  monthly.frequency = model::Frequency{1, model::Period::kMonth};
  const std::int64_t id = db_.state().subscriptions.begin()->first;
  Result<model::Subscription> changed = UpdateSubscription(db_, clock_, 1, id, monthly);
  EXPECT_EQ(changed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_.state().subscriptions.at(id).frequency.period, model::Period::kWeek);
  db_.state().orders.clear();
  db_.state().subscriptions.clear();
  EXPECT_TRUE(db_.state().orders.empty());
  EXPECT_TRUE(db_.state().subscriptions.empty());
}

TEST_F(SubscriptionsTest, OrderHistoryIsTheMerchantsOwn) {
  auto a = Create("c1", "coffee", D("2026-12-01"));
  db_.state().order_events.push_back(model::OrderEvent{.merchant_id = 1,
                                                       .order_id = a.order_id,
                                                       .type = model::OrderEventType::kCancelled,
                                                       .date = D("2026-12-01")});
  Result<std::vector<model::OrderEvent>> mine = ListOrderEvents(db_, 1, a.order_id);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->size(), 1u);
  EXPECT_EQ(ListOrderEvents(db_, 2, a.order_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ListOrderEvents(db_, 1, a.order_id + 100).status().code(), StatusCode::kNotFound);
}

TEST_F(SubscriptionsTest, CancelRemovesTheItemOrCancelsTheOrder) {
  auto a = Create("c1", "coffee", D("2026-12-01"));
  auto b = Create("c1", "tea", D("2026-12-01"));
  ASSERT_TRUE(UpdateSubscription(db_, clock_, 1, a.subscription_id, Cancel()).ok());
  EXPECT_EQ(db_.state().orders.at(a.order_id).items.size(), 1u);
  EXPECT_TRUE(db_.state().order_events.empty()) << "the order still ships tea";
  ASSERT_TRUE(UpdateSubscription(db_, clock_, 1, b.subscription_id, Cancel()).ok());
  const model::Order& cancelled = db_.state().orders.at(a.order_id);
  EXPECT_EQ(cancelled.status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled.cancel_reason, "subscription_cancelled");
  ASSERT_EQ(cancelled.items.size(), 1u) << "a cancelled order keeps what was due";
  EXPECT_EQ(cancelled.items[0].subscription_id, b.subscription_id);
  ASSERT_EQ(db_.state().order_events.size(), 1u);
  EXPECT_EQ(db_.state().order_events[0].type, model::OrderEventType::kCancelled);
  EXPECT_EQ(db_.state().order_events[0].order_id, a.order_id);
  EXPECT_EQ(UpdateSubscription(db_, clock_, 1, b.subscription_id, Quantity(2)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SubscriptionsTest, QuantityChangeReachesTheUpcomingOrder) {
  auto a = Create("c1", "coffee", D("2026-12-01"));
  auto updated = UpdateSubscription(db_, clock_, 1, a.subscription_id, Quantity(4));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->quantity, 4);
  EXPECT_EQ(db_.state().orders.at(a.order_id).items[0].quantity, 4);
  EXPECT_EQ(UpdateSubscription(db_, clock_, 1, 999, Quantity(4)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(UpdateSubscription(db_, clock_, 2, a.subscription_id, Quantity(4)).status().code(),
            StatusCode::kNotFound);
}

TEST_F(SubscriptionsTest, CancellingAnUnsentOrderSchedulesTheNextOne) {
  auto a = Create("c1", "coffee", D("2026-12-01"));
  auto cancelled = CancelOrder(db_, clock_, 1, a.order_id, D("2026-11-20"));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled->cancel_reason, "merchant");
  int upcoming = 0;
  for (auto& [id, o] : db_.state().orders) {
    if (o.status == OrderStatus::kUnsent) {
      ++upcoming;
      EXPECT_EQ(o.place_date, D("2027-01-01"));
    }
  }
  EXPECT_EQ(upcoming, 1);
  EXPECT_EQ(CancelOrder(db_, clock_, 1, a.order_id, D("2026-11-20")).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SubscriptionsTest, CancellingAnOverdueOrderSchedulesTheFirstDateAfterToday) {
  // The server was down: the September order was never placed. Cancelling it must not leave
  // the October one due (the next run would place it at once): as when a run places an
  // overdue order, the cycles due meanwhile are skipped and recorded.
  auto a = Create("c1", "coffee", D("2026-09-01"));
  ASSERT_TRUE(CancelOrder(db_, clock_, 1, a.order_id, D("2026-12-07")).ok());
  std::vector<CivilDate> upcoming;
  for (auto& [id, o] : db_.state().orders) {
    if (o.status == OrderStatus::kUnsent) upcoming.push_back(o.place_date);
  }
  EXPECT_EQ(upcoming, std::vector<CivilDate>{D("2027-01-01")});
  std::vector<CivilDate> skipped;
  for (const model::OrderEvent& e : db_.state().order_events) {
    if (e.type != model::OrderEventType::kCycleSkipped) continue;
    EXPECT_EQ(e.order_id, a.order_id);
    EXPECT_EQ(e.subscription_id, a.subscription_id);
    EXPECT_EQ(e.date, D("2026-12-07"));
    skipped.push_back(*e.cycle_date);
  }
  EXPECT_EQ(skipped, (std::vector<CivilDate>{D("2026-10-01"), D("2026-11-01"), D("2026-12-01")}));
}

TEST_F(SubscriptionsTest, DemandFindsTheFirstShortDay) {
  Create("c1", "coffee", D("2026-12-01"), 4);
  Create("c2", "coffee", D("2026-12-03"), 5);
  Create("c3", "coffee", D("2026-12-05"), 3);
  auto demand = ComputeDemand(db_, Merchant1(), "coffee", D("2026-12-01"), 7);
  ASSERT_TRUE(demand.ok());
  ASSERT_EQ(demand->days.size(), 7u);
  EXPECT_EQ(demand->days[0].units, 4);
  EXPECT_EQ(demand->days[0].remaining, 6);
  EXPECT_EQ(demand->days[2].remaining, 1);
  EXPECT_EQ(demand->days[4].remaining, -2);
  EXPECT_EQ(demand->first_short_day, D("2026-12-05"));
  EXPECT_EQ(demand->total_units, 12);
  EXPECT_EQ(ComputeDemand(db_, Merchant1(), "coffee", D("2026-12-01"), 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeDemand(db_, Merchant1(), "nope", D("2026-12-01"), 7).status().code(),
            StatusCode::kNotFound);
}

TEST_F(SubscriptionsTest, DemandOfUntrackedProductHasNoShortDay) {
  Create("c1", "tea", D("2026-11-20"), 2);  // overdue: counts on today
  auto demand = ComputeDemand(db_, Merchant1(), "tea", D("2026-12-01"), 3);
  ASSERT_TRUE(demand.ok());
  EXPECT_EQ(demand->days[0].units, 2);
  EXPECT_FALSE(demand->days[0].remaining.has_value());
  EXPECT_FALSE(demand->first_short_day.has_value());
}

}  // namespace
}  // namespace restock::placement
