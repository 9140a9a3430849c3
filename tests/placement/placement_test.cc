// Day-by-day scenarios of the placement task and the out-of-stock flow (SPEC §4), on the
// in-memory fake store with a fake clock.
#include "placement/placement_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::placement {
namespace {

using model::OrderStatus;

CivilDate D(const char* text) { return *ParseDate(text); }
CivilDate Plus(CivilDate d, int days) { return CivilFromDays(DaysFromCivil(d) + days); }

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override { SetPolicy(model::OosPolicy::kSplit); }

  void SetPolicy(model::OosPolicy policy) {
    merchant_.id = 1;
    merchant_.public_id = "m1";
    merchant_.oos_policy = policy;
    db_.state().merchants["m1"] = merchant_;
  }

  void AddProduct(const std::string& id, std::optional<std::int64_t> inventory, bool live = true) {
    model::Product p;
    p.product_id = id;
    p.inventory = inventory;
    p.live = live;
    db_.state().products[{1, id}] = p;
  }

  // A subscription and its first upcoming order (sharing the customer's order that day).
  std::int64_t Subscribe(const std::string& customer, const std::string& product, CivilDate start,
                         model::Frequency frequency = {1, model::Period::kMonth},
                         std::int64_t quantity = 1) {
    auto& s = db_.state();
    model::Subscription sub;
    sub.id = s.next_id++;
    sub.merchant_id = 1;
    sub.customer_id = customer;
    sub.product_id = product;
    sub.quantity = quantity;
    sub.frequency = frequency;
    sub.start = start;
    s.subscriptions[sub.id] = sub;
    for (auto& [id, o] : s.orders) {
      if (o.customer_id == customer && o.place_date == start && o.status == OrderStatus::kUnsent) {
        o.items.push_back({sub.id, product, quantity});
        return id;
      }
    }
    model::Order order;
    order.id = s.next_id++;
    order.merchant_id = 1;
    order.customer_id = customer;
    order.place_date = start;
    order.items.push_back({sub.id, product, quantity});
    s.orders[order.id] = order;
    return order.id;
  }

  PlacementSummary Run(CivilDate date) {
    auto r = service_.Run(merchant_, date);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : PlacementSummary{};
  }

  const model::Order& Order(std::int64_t id) { return db_.state().orders.at(id); }
  const model::Product& Product(const std::string& id) { return db_.state().products.at({1, id}); }

  std::vector<const model::Order*> OrdersWith(OrderStatus status) {
    std::vector<const model::Order*> out;
    for (auto& [id, o] : db_.state().orders) {
      if (o.status == status) out.push_back(&o);
    }
    return out;
  }

  std::vector<int> NoticeDays(std::int64_t order_id) {
    std::vector<int> days;
    for (auto& e : db_.state().order_events) {
      if (e.order_id == order_id && e.type == model::OrderEventType::kOosNotice) {
        days.push_back(e.day_in_flow);
      }
    }
    return days;
  }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  model::Merchant merchant_;
  FlowOptions options_;
  PlacementService service_{db_, clock_, options_};
};

TEST_F(PlacementTest, SeedCaseHundredUnitsTwoHundredRenewals) {
  AddProduct("coffee", 100);
  CivilDate day = D("2026-12-01");
  for (int i = 0; i < 200; ++i) Subscribe("c" + std::to_string(i), "coffee", day);

  PlacementSummary s = Run(day);

  EXPECT_EQ(s.placed, 100u);
  EXPECT_EQ(s.out_of_stock, 100u);
  EXPECT_EQ(OrdersWith(OrderStatus::kPlaced).size(), 100u);
  auto oos = OrdersWith(OrderStatus::kOutOfStock);
  ASSERT_EQ(oos.size(), 100u);
  EXPECT_EQ(oos[0]->oos_since, day);
  EXPECT_EQ(Product("coffee").inventory, 0);
  EXPECT_FALSE(Product("coffee").live);
  // Inventory hitting zero is a stock event with source placement.
  ASSERT_FALSE(db_.state().stock_events.empty());
  const auto& last = db_.state().stock_events.back();
  EXPECT_EQ(last.source, model::StockSource::kPlacement);
  EXPECT_FALSE(last.current.live);
  // Every subscription got its next order a month on, placed or not.
  auto unsent = OrdersWith(OrderStatus::kUnsent);
  ASSERT_EQ(unsent.size(), 200u);
  EXPECT_EQ(unsent[0]->place_date, D("2027-01-01"));
  // Day 1 of the flow sends the first notice.
  EXPECT_EQ(NoticeDays(oos[0]->id), std::vector<int>{1});
}

TEST_F(PlacementTest, MixedOrderIsSplit) {
  AddProduct("coffee", std::nullopt);
  AddProduct("tea", 0);
  CivilDate day = D("2026-12-01");
  std::int64_t order = Subscribe("c1", "coffee", day);
  Subscribe("c1", "tea", day);

  PlacementSummary s = Run(day);

  EXPECT_EQ(s.placed, 1u);
  EXPECT_EQ(s.split, 1u);
  EXPECT_EQ(Order(order).status, OrderStatus::kPlaced);
  ASSERT_EQ(Order(order).items.size(), 1u);
  EXPECT_EQ(Order(order).items[0].product_id, "coffee");
  auto oos = OrdersWith(OrderStatus::kOutOfStock);
  ASSERT_EQ(oos.size(), 1u);
  ASSERT_EQ(oos[0]->items.size(), 1u);
  EXPECT_EQ(oos[0]->items[0].product_id, "tea");
  EXPECT_EQ(oos[0]->oos_since, day);
  EXPECT_EQ(oos[0]->place_date, day);
  // Both subscriptions share next month's order.
  auto unsent = OrdersWith(OrderStatus::kUnsent);
  ASSERT_EQ(unsent.size(), 1u);
  EXPECT_EQ(unsent[0]->items.size(), 2u);
}

TEST_F(PlacementTest, OutOfStockOrderShipsOnALaterRunWithoutAnotherNextOrder) {
  AddProduct("tea", 0);
  CivilDate day = D("2026-08-01");
  std::int64_t order = Subscribe("c1", "tea", day);
  Run(day);
  ASSERT_EQ(Order(order).status, OrderStatus::kOutOfStock);

  db_.state().products[{1, "tea"}].inventory = 5;
  db_.state().products[{1, "tea"}].live = true;
  PlacementSummary s = Run(D("2026-08-15"));

  EXPECT_EQ(s.placed, 1u);
  EXPECT_EQ(s.next_orders, 0u);
  EXPECT_EQ(Order(order).status, OrderStatus::kPlaced);
  EXPECT_EQ(Order(order).placed_on, D("2026-08-15"));
  // The next order keeps the original schedule: Sep 1, not Sep 15.
  auto unsent = OrdersWith(OrderStatus::kUnsent);
  ASSERT_EQ(unsent.size(), 1u);
  EXPECT_EQ(unsent[0]->place_date, D("2026-09-01"));
}

TEST_F(PlacementTest, RetriedThroughDayThirtyAndCancelledOnDayThirtyOne) {
  AddProduct("tea", 0);
  CivilDate day = D("2026-01-01");
  std::int64_t order = Subscribe("c1", "tea", day, {2, model::Period::kMonth});
  for (int d = 0; d < 30; ++d) {
    Run(Plus(day, d));
    ASSERT_EQ(Order(order).status, OrderStatus::kOutOfStock) << "day " << d + 1;
  }
  EXPECT_EQ(NoticeDays(order), (std::vector<int>{1, 15, 30}));

  PlacementSummary s = Run(Plus(day, 30));  // day 31

  EXPECT_EQ(s.cancelled, 1u);
  EXPECT_EQ(Order(order).status, OrderStatus::kCancelled);
  EXPECT_EQ(Order(order).cancel_reason, "out_of_stock");
  // Only the order is cancelled; the subscription and its next order live on.
  EXPECT_EQ(db_.state().subscriptions.begin()->second.status, model::SubscriptionStatus::kActive);
  EXPECT_EQ(OrdersWith(OrderStatus::kUnsent).size(), 1u);
}

TEST_F(PlacementTest, ShortFrequencyIsCancelledWhenTheNextOrderIsDue) {
  AddProduct("tea", 0);
  CivilDate day = D("2026-03-01");
  std::int64_t order = Subscribe("c1", "tea", day, {14, model::Period::kDay});
  Run(day);
  Run(Plus(day, 13));
  EXPECT_EQ(Order(order).status, OrderStatus::kOutOfStock);

  Run(Plus(day, 14));

  EXPECT_EQ(Order(order).status, OrderStatus::kCancelled);
  EXPECT_EQ(Order(order).cancel_reason, "out_of_stock");
  // The next order (due that same day) was itself decided by the run: out of stock too.
  auto oos = OrdersWith(OrderStatus::kOutOfStock);
  ASSERT_EQ(oos.size(), 1u);
  EXPECT_EQ(oos[0]->place_date, Plus(day, 14));
}

TEST_F(PlacementTest, HoldKeepsTheWholeOrderBackAndReservesNothing) {
  SetPolicy(model::OosPolicy::kHold);
  AddProduct("coffee", 10);
  AddProduct("tea", 0);
  CivilDate day = D("2026-12-01");
  std::int64_t order = Subscribe("c1", "coffee", day);
  Subscribe("c1", "tea", day);

  Run(day);

  EXPECT_EQ(Order(order).status, OrderStatus::kOutOfStock);
  EXPECT_EQ(Order(order).items.size(), 2u);
  EXPECT_EQ(Product("coffee").inventory, 10);
}

TEST_F(PlacementTest, SkipDropsOutOfStockItemsThisCycle) {
  SetPolicy(model::OosPolicy::kSkip);
  AddProduct("coffee", 10);
  AddProduct("tea", 0);
  CivilDate day = D("2026-12-01");
  std::int64_t mixed = Subscribe("c1", "coffee", day);
  Subscribe("c1", "tea", day);
  std::int64_t all_out = Subscribe("c2", "tea", day);

  PlacementSummary s = Run(day);

  EXPECT_EQ(Order(mixed).status, OrderStatus::kPlaced);
  ASSERT_EQ(Order(mixed).items.size(), 1u);
  EXPECT_EQ(Order(mixed).items[0].product_id, "coffee");
  EXPECT_EQ(Order(all_out).status, OrderStatus::kCancelled);
  EXPECT_EQ(Order(all_out).cancel_reason, "out_of_stock_skipped");
  EXPECT_EQ(s.skipped_items, 2u);
  // Each skipped item stays in its order's history.
  std::vector<std::pair<std::int64_t, std::string>> skipped;
  for (const model::OrderEvent& e : db_.state().order_events) {
    if (e.type == model::OrderEventType::kItemSkipped)
      skipped.emplace_back(e.order_id, e.product_id);
  }
  EXPECT_EQ(skipped,
            (std::vector<std::pair<std::int64_t, std::string>>{{mixed, "tea"}, {all_out, "tea"}}));
  EXPECT_TRUE(OrdersWith(OrderStatus::kOutOfStock).empty());
  // Skipped subscriptions still get next month's order.
  EXPECT_EQ(OrdersWith(OrderStatus::kUnsent).size(), 2u);
}

TEST_F(PlacementTest, PlaceAnywayOversellsDownToZero) {
  SetPolicy(model::OosPolicy::kPlaceAnyway);
  AddProduct("coffee", 1);
  CivilDate day = D("2026-12-01");
  std::int64_t order = Subscribe("c1", "coffee", day, {1, model::Period::kMonth}, 3);

  PlacementSummary s = Run(day);

  EXPECT_EQ(Order(order).status, OrderStatus::kPlaced);
  EXPECT_EQ(Product("coffee").inventory, 0);
  EXPECT_FALSE(Product("coffee").live);
  // The two units the inventory did not hold are recorded on the order, not lost.
  EXPECT_EQ(s.oversold_units, 2u);
  ASSERT_EQ(db_.state().order_events.size(), 1u);
  const model::OrderEvent& e = db_.state().order_events[0];
  EXPECT_EQ(e.type, model::OrderEventType::kOversold);
  EXPECT_EQ(e.order_id, order);
  EXPECT_EQ(e.product_id, "coffee");
  EXPECT_EQ(e.quantity, 2);
}

TEST_F(PlacementTest, RerunningADayPlacesNothingTwice) {
  AddProduct("coffee", 5);
  CivilDate day = D("2026-12-01");
  for (int i = 0; i < 8; ++i) Subscribe("c" + std::to_string(i), "coffee", day);
  Run(day);
  auto orders_before = db_.state().orders;
  auto inventory_before = Product("coffee").inventory;

  PlacementSummary again = Run(day);

  EXPECT_EQ(again.placed, 0u);
  EXPECT_EQ(again.next_orders, 0u);
  EXPECT_EQ(again.still_out_of_stock, 3u);
  EXPECT_EQ(Product("coffee").inventory, inventory_before);
  EXPECT_EQ(db_.state().orders.size(), orders_before.size());
}

TEST_F(PlacementTest, RetryWaitingPlacesOrdersForTheRestockedProductOnly) {
  AddProduct("tea", 0);
  AddProduct("cocoa", 0);
  CivilDate day = D("2026-12-01");
  std::int64_t tea = Subscribe("c1", "tea", day);
  std::int64_t cocoa = Subscribe("c2", "cocoa", day);
  Run(day);
  db_.state().products[{1, "tea"}].inventory = 3;
  db_.state().products[{1, "tea"}].live = true;
  db_.state().products[{1, "cocoa"}].inventory = 3;
  db_.state().products[{1, "cocoa"}].live = true;

  auto s = service_.RetryWaiting(merchant_, {"tea"}, Plus(day, 2));

  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->placed, 1u);
  EXPECT_EQ(Order(tea).status, OrderStatus::kPlaced);
  EXPECT_EQ(Order(cocoa).status, OrderStatus::kOutOfStock);
}

TEST_F(PlacementTest, ChunksCoverEveryOrder) {
  FlowOptions small;
  small.chunk_size = 7;
  PlacementService service(db_, clock_, small);
  AddProduct("coffee", std::nullopt);
  CivilDate day = D("2026-12-01");
  for (int i = 0; i < 50; ++i) Subscribe("c" + std::to_string(i), "coffee", day);

  auto s = service.Run(merchant_, day);

  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->placed, 50u);
  EXPECT_EQ(db_.submits, 8);  // ceil(50 / 7) chunks, each its own transaction
}

// Runs each work at once, as the writer would, but completes it (`done`) only later, on
// its own thread, as the WAL syncer does once the commit is flushed: a completion waits
// until a newer work has been submitted, or 50 ms.
class DeferredDoneDatabase : public store::Database {
 public:
  explicit DeferredDoneDatabase(store::Database& inner) : inner_(inner) {
    completer_ = std::thread([this] { Complete(); });
  }
  ~DeferredDoneDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    completer_.join();
  }
  Status Migrate() override { return inner_.Migrate(); }
  Status RunInTransaction(const store::Work& work) override {
    return inner_.RunInTransaction(work);
  }
  Status RunReadOnly(const store::Work& work) override { return inner_.RunReadOnly(work); }
  void Submit(store::Work work, store::WorkDone done) override {
    Status status = inner_.RunInTransaction(work);
    std::lock_guard lock(mu_);
    if (submitted_ + 1 == fail_submit) status = UnavailableError("flush failed");
    pending_.push_back({std::move(status), std::move(done)});
    ++submitted_;
    max_in_flight_ = std::max(max_in_flight_, pending_.size());
    cv_.notify_all();
  }
  void SetGroupObserver(std::function<void(std::size_t)>) override {}
  void Shutdown() override {}
  std::size_t max_in_flight() {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  int submitted() {
    std::lock_guard lock(mu_);
    return submitted_;
  }
  // The n-th Submit (from 1) is completed with Unavailable (its work ran). Set before use.
  int fail_submit = 0;

 private:
  struct Pending {
    Status status;
    store::WorkDone done;
  };
  void Complete() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      const int seen = submitted_;
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] { return submitted_ != seen; });
      Pending next = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      next.done(next.status);
      lock.lock();
    }
  }

  store::Database& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;  // guarded by mu_
  int submitted_ = 0;            // guarded by mu_
  std::size_t max_in_flight_ = 0;
  bool stopping_ = false;
  std::thread completer_;
};

// The next chunk is submitted once the previous one has run, before it is completed (durable):
// the writer runs it while the previous chunk's commit is flushed.
TEST_F(PlacementTest, NextChunkIsSubmittedBeforeThePreviousIsCompleted) {
  FlowOptions small;
  small.chunk_size = 7;
  DeferredDoneDatabase db(db_);
  PlacementService service(db, clock_, small);
  AddProduct("coffee", 30);
  CivilDate day = D("2026-12-01");
  for (int i = 0; i < 50; ++i) Subscribe("c" + std::to_string(i), "coffee", day);

  auto s = service.Run(merchant_, day);

  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->considered, 50u);
  EXPECT_EQ(s->placed, 30u);
  EXPECT_EQ(s->out_of_stock, 20u);
  EXPECT_EQ(s->next_orders, 50u);
  EXPECT_EQ(db_.submits, 0);  // every chunk went through the deferring database
  EXPECT_EQ(db.max_in_flight(), 2u);
  EXPECT_EQ(OrdersWith(OrderStatus::kPlaced).size(), 30u);
}

// A chunk that fails fails the run, also when the chunk after it was already submitted; no
// chunk follows that one.
TEST_F(PlacementTest, FailedChunkFailsThePipelinedRun) {
  FlowOptions small;
  small.chunk_size = 7;
  DeferredDoneDatabase db(db_);
  db.fail_submit = 2;
  PlacementService service(db, clock_, small);
  AddProduct("coffee", std::nullopt);
  CivilDate day = D("2026-12-01");
  for (int i = 0; i < 50; ++i) Subscribe("c" + std::to_string(i), "coffee", day);
  int progress = 0;

  auto s = service.Run(merchant_, day, [&](const PlacementSummary&) { ++progress; });

  EXPECT_EQ(s.status(), UnavailableError("flush failed"));
  EXPECT_EQ(progress, 1);  // only the chunk before the failed one was reported
  EXPECT_EQ(db.submitted(), 3);
}

TEST_F(PlacementTest, NextOrdersOfOneCustomerFromOneChunkShareAnOrder) {
  AddProduct("coffee", std::nullopt);
  AddProduct("tea", std::nullopt);
  // Two orders of one customer due by Dec 1 whose next orders both fall on Dec 7.
  Subscribe("c1", "coffee", D("2026-11-30"), {1, model::Period::kWeek});
  Subscribe("c1", "tea", D("2026-11-07"), {1, model::Period::kMonth});

  PlacementSummary s = Run(D("2026-12-01"));

  EXPECT_EQ(s.placed, 2u);
  EXPECT_EQ(s.next_orders, 1u);
  std::vector<const model::Order*> unsent = OrdersWith(OrderStatus::kUnsent);
  ASSERT_EQ(unsent.size(), 1u);
  EXPECT_EQ(unsent[0]->place_date, D("2026-12-07"));
  EXPECT_EQ(unsent[0]->items.size(), 2u);
}

TEST_F(PlacementTest, OverdueNextItemJoinsTheCustomersUnsentOrderAfterTheDay) {
  // X (weekly, due Nov 24) is overdue on Dec 1: its Dec 1 cycle is skipped, and its next item
  // joins Z, the customer's unsent order of Dec 8, rather than an order of its own on Dec 1.
  FlowOptions small;
  small.chunk_size = 2;
  PlacementService service(db_, clock_, small);
  AddProduct("coffee", std::nullopt);
  AddProduct("tea", std::nullopt);
  AddProduct("milk", std::nullopt);
  std::int64_t y = Subscribe("c1", "tea", D("2026-12-01"));
  Subscribe("c1", "coffee", D("2026-11-24"), {1, model::Period::kWeek});
  std::int64_t coffee_sub = db_.state().next_id - 2;
  ASSERT_EQ(db_.state().subscriptions.at(coffee_sub).product_id, "coffee");
  std::int64_t z = Subscribe("c1", "milk", D("2026-12-08"));

  ASSERT_TRUE(service.Run(merchant_, D("2026-12-01")).ok());

  EXPECT_EQ(Order(y).status, OrderStatus::kPlaced);
  std::vector<std::int64_t> coffee_orders;
  for (auto& [id, o] : db_.state().orders) {
    for (const model::OrderItem& item : o.items) {
      if (item.subscription_id == coffee_sub && o.status == OrderStatus::kUnsent) {
        coffee_orders.push_back(id);
      }
    }
  }
  EXPECT_EQ(coffee_orders, (std::vector<std::int64_t>{z}));
}

// The repro: weekly from 2027-01-01, a run for 2027-01-29 three times. One order per
// subscription per run, whatever the chunk size; the missed cycles are recorded on the order
// that was placed late, and the next order is the first cycle after the day.
TEST_F(PlacementTest, OverdueSubscriptionPlacesOneOrderAndRecordsTheSkippedCycles) {
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{2000}}) {
    SCOPED_TRACE(chunk);
    db_.state() = testing::FakeState{};
    SetPolicy(model::OosPolicy::kSplit);
    AddProduct("tea", std::nullopt);
    std::vector<std::int64_t> first_orders;
    for (int c = 0; c < 5; ++c) {
      first_orders.push_back(
          Subscribe("c" + std::to_string(c), "tea", D("2027-01-01"), {1, model::Period::kWeek}));
    }
    FlowOptions options;
    options.chunk_size = chunk;
    PlacementService service(db_, clock_, options);

    std::vector<PlacementSummary> runs;
    for (int i = 0; i < 3; ++i) runs.push_back(*service.Run(merchant_, D("2027-01-29")));

    EXPECT_EQ(runs[0].placed, 5u);
    EXPECT_EQ(runs[0].skipped_cycles, 20u);
    EXPECT_EQ(runs[1].placed + runs[2].placed, 0u);
    EXPECT_EQ(OrdersWith(OrderStatus::kPlaced).size(), 5u);
    std::vector<const model::Order*> upcoming = OrdersWith(OrderStatus::kUnsent);
    ASSERT_EQ(upcoming.size(), 5u);
    for (const model::Order* o : upcoming) EXPECT_EQ(o->place_date, D("2027-02-05"));
    for (std::int64_t id : first_orders) {
      EXPECT_EQ(Order(id).status, OrderStatus::kPlaced);
      std::vector<CivilDate> skipped;
      for (const model::OrderEvent& e : db_.state().order_events) {
        if (e.order_id != id || e.type != model::OrderEventType::kCycleSkipped) continue;
        skipped.push_back(*e.cycle_date);
        EXPECT_EQ(e.date, D("2027-01-29"));
        EXPECT_EQ(e.subscription_id, Order(id).items[0].subscription_id);
        EXPECT_EQ(e.product_id, "tea");
        EXPECT_EQ(e.quantity, 1);
      }
      EXPECT_EQ(skipped, (std::vector<CivilDate>{D("2027-01-08"), D("2027-01-15"), D("2027-01-22"),
                                                 D("2027-01-29")}));
    }
  }
}

TEST_F(PlacementTest, OverdueOrderEnteringTheFlowExpiresAfterTheDayNotBefore) {
  AddProduct("tea", 0);
  std::int64_t order = Subscribe("c1", "tea", D("2027-01-01"), {1, model::Period::kWeek});

  Run(D("2027-01-29"));

  EXPECT_EQ(Order(order).status, OrderStatus::kOutOfStock);
  EXPECT_EQ(Order(order).oos_since, D("2027-01-29"));
  EXPECT_EQ(Order(order).oos_expires, D("2027-02-05"));  // the next order's day
  Run(D("2027-01-30"));
  EXPECT_EQ(Order(order).status, OrderStatus::kOutOfStock);
}

TEST_F(PlacementTest, MonthlyScheduleKeepsTheStartDayDayByDay) {
  AddProduct("tea", std::nullopt);
  Subscribe("c1", "tea", D("2027-01-31"));
  std::vector<CivilDate> placed;
  for (CivilDate day = D("2027-01-31"); day <= D("2027-07-31"); day = Plus(day, 1)) {
    PlacementSummary s = Run(day);
    ASSERT_EQ(s.skipped_cycles, 0u);
    if (s.placed > 0) placed.push_back(day);
  }
  EXPECT_EQ(placed, (std::vector<CivilDate>{D("2027-01-31"), D("2027-02-28"), D("2027-03-31"),
                                            D("2027-04-30"), D("2027-05-31"), D("2027-06-30"),
                                            D("2027-07-31")}));
}

// A month is never a short frequency, even when it is February's 28 days: the order keeps its
// day-30 notice and is cancelled on day 31.
TEST_F(PlacementTest, MonthlyOrderInTheFlowOverFebruaryRunsItsThirtyDays) {
  AddProduct("tea", 0);
  CivilDate day = D("2027-02-01");
  std::int64_t order = Subscribe("c1", "tea", day);
  for (int d = 0; d < 30; ++d) {
    Run(Plus(day, d));
    ASSERT_EQ(Order(order).status, OrderStatus::kOutOfStock) << "day " << d + 1;
  }
  EXPECT_EQ(NoticeDays(order), (std::vector<int>{1, 15, 30}));
  Run(Plus(day, 30));
  EXPECT_EQ(Order(order).status, OrderStatus::kCancelled);
}

TEST_F(PlacementTest, FiveWeekFrequencyIsNotShort) {
  // Overdue: due Jan 1, run on Jan 20, so the next order (Feb 5) comes before day 31 (Feb 19).
  // 35 days is not short: the flow still runs its 30 days.
  AddProduct("tea", 0);
  std::int64_t order = Subscribe("c1", "tea", D("2027-01-01"), {5, model::Period::kWeek});
  Run(D("2027-01-20"));
  EXPECT_EQ(Order(order).oos_expires, D("2027-02-19"));
}

TEST_F(PlacementTest, ScheduleEndsAtTheEndOfTheCalendar) {
  AddProduct("tea", std::nullopt);
  std::int64_t order = Subscribe("c1", "tea", D("9999-12-24"), {1, model::Period::kWeek});
  Run(D("9999-12-24"));
  PlacementSummary s = Run(D("9999-12-31"));
  EXPECT_EQ(s.placed, 1u);
  EXPECT_EQ(s.schedules_ended, 1u);
  EXPECT_EQ(s.next_orders, 0u);
  EXPECT_EQ(Order(order).status, OrderStatus::kPlaced);
  EXPECT_TRUE(OrdersWith(OrderStatus::kUnsent).empty());
  for (auto& [id, o] : db_.state().orders) EXPECT_TRUE(model::IsSupportedDate(o.place_date));
}

TEST_F(PlacementTest, OrderInTheFlowNearTheCalendarsEndExpiresOnItsLastDay) {
  AddProduct("tea", 0);
  std::int64_t order = Subscribe("c1", "tea", D("9999-12-20"), {2, model::Period::kMonth});
  Run(D("9999-12-20"));
  EXPECT_EQ(Order(order).oos_expires, D("9999-12-31"));
}

TEST_F(PlacementTest, UnreadableOrderIsSkippedAndTheRunGoesOn) {
  AddProduct("tea", std::nullopt);
  std::int64_t bad = Subscribe("c1", "tea", D("2026-12-01"));
  std::int64_t good = Subscribe("c2", "tea", D("2026-12-01"));
  db_.state().unreadable_orders.insert(bad);
  FlowOptions one;
  one.chunk_size = 1;
  PlacementService service(db_, clock_, one);

  Result<PlacementSummary> s = service.Run(merchant_, D("2026-12-01"));

  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->unreadable_orders, 1u);
  EXPECT_EQ(s->placed, 1u);
  EXPECT_EQ(Order(good).status, OrderStatus::kPlaced);
  EXPECT_EQ(Order(bad).status, OrderStatus::kUnsent);
}

TEST_F(PlacementTest, ChunkObserverSeesEachDurableChunk) {
  SetPolicy(model::OosPolicy::kPlaceAnyway);
  AddProduct("coffee", 1);
  Subscribe("c1", "coffee", D("2027-01-01"), {1, model::Period::kWeek}, 3);
  Subscribe("c2", "coffee", D("2027-01-08"), {1, model::Period::kWeek}, 2);
  FlowOptions one;
  one.chunk_size = 1;
  PlacementService service(db_, clock_, one);
  PlacementSummary seen;
  service.SetChunkObserver([&](const PlacementSummary& chunk) { seen += chunk; });

  ASSERT_TRUE(service.Run(merchant_, D("2027-01-15")).ok());

  EXPECT_EQ(seen.placed, 2u);
  EXPECT_EQ(seen.oversold_units, 4u);  // 2 of c1's 3 units, then both of c2's
  EXPECT_EQ(seen.skipped_cycles, 3u);  // c1: 01-08 and 01-15; c2: 01-15
}

TEST_F(PlacementTest, CancelledSubscriptionItemIsDropped) {
  AddProduct("coffee", std::nullopt);
  CivilDate day = D("2026-12-01");
  std::int64_t order = Subscribe("c1", "coffee", day);
  db_.state().subscriptions.begin()->second.status = model::SubscriptionStatus::kCancelled;

  Run(day);

  EXPECT_EQ(Order(order).status, OrderStatus::kCancelled);
  EXPECT_TRUE(OrdersWith(OrderStatus::kUnsent).empty());
}

TEST_F(PlacementTest, OrdersDueLaterAreLeftAlone) {
  AddProduct("coffee", std::nullopt);
  std::int64_t order = Subscribe("c1", "coffee", D("2026-12-02"));
  Run(D("2026-12-01"));
  EXPECT_EQ(Order(order).status, OrderStatus::kUnsent);
}

}  // namespace
}  // namespace restock::placement
