#include "placement/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "placement/restock_trigger.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::placement {
namespace {

// 2026-12-01T00:00:00Z in microseconds.
constexpr UnixMicros kDecemberFirst = 1'796'083'200'000'000;
constexpr UnixMicros kHour = 3'600'000'000;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Merchant m;
    m.id = 1;
    m.public_id = "ny";
    m.timezone = "America/New_York";  // UTC-5 in December
    m.placement_minute = 6 * 60;
    db_.state().merchants["ny"] = m;
    model::Product p;
    p.product_id = "tea";
    p.inventory = 0;
    db_.state().products[{1, "tea"}] = p;
    model::Subscription sub;
    sub.id = 100;
    sub.merchant_id = 1;
    sub.customer_id = "c1";
    sub.product_id = "tea";
    db_.state().subscriptions[100] = sub;
    model::Order o;
    o.id = 200;
    o.merchant_id = 1;
    o.customer_id = "c1";
    o.place_date = *ParseDate("2026-12-01");
    o.items.push_back({100, "tea", 1});
    db_.state().orders[200] = o;
    db_.state().next_id = 300;
  }

  // Runs the 06:00 New York placement, which puts order 200 (tea, none in stock) out of
  // stock, and returns a restock trigger whose tasks are collected in posted_, to be run by
  // the test.
  RestockTrigger TriggerWithOrderWaitingOnTea() {
    clock_.Set(kDecemberFirst + 11 * kHour);
    EXPECT_EQ(*scheduler_.Tick(), 1);
    EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kOutOfStock);
    return RestockTrigger(placement_, db_, clock_, zones_, [this](std::function<void()> task) {
      posted_.push_back(std::move(task));
    });
  }

  testing::FakeClock clock_{kDecemberFirst};
  testing::FakeDatabase db_;
  std::vector<std::function<void()>> posted_;
  ZoneCache zones_;
  PlacementService placement_{db_, clock_, FlowOptions{}};
  Scheduler scheduler_{placement_, db_, clock_, zones_, std::chrono::milliseconds(10)};
};

TEST_F(SchedulerTest, RunsAtTheMerchantsLocalPlacementTimeOncePerDay) {
  // 10:59 UTC is 05:59 in New York: not yet.
  clock_.Set(kDecemberFirst + 10 * kHour + 59 * 60'000'000LL);
  EXPECT_EQ(*scheduler_.Tick(), 0);
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kUnsent);

  clock_.Set(kDecemberFirst + 11 * kHour);  // 06:00 local
  EXPECT_EQ(*scheduler_.Tick(), 1);
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kOutOfStock);
  EXPECT_EQ(*scheduler_.Tick(), 0);  // done for today

  clock_.Set(kDecemberFirst + 35 * kHour);  // 06:00 local on Dec 2
  EXPECT_EQ(*scheduler_.Tick(), 1);
}

TEST_F(SchedulerTest, StartedLoopRunsTheDueMerchantAndStops) {
  clock_.Set(kDecemberFirst + 11 * kHour);
  scheduler_.Start();
  // The loop's first tick runs at once; wait for its effect (bounded), then stop.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto status = [&] {
    model::OrderStatus s = model::OrderStatus::kUnsent;
    EXPECT_TRUE(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
                     auto o = tx.orders().Find(1, 200);
                     if (o.ok() && *o) s = (*o)->status;
                     return Status::Ok();
                   }).ok());
    return s;
  };
  while (status() == model::OrderStatus::kUnsent && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  scheduler_.Stop();
  scheduler_.Stop();  // idempotent
  EXPECT_EQ(status(), model::OrderStatus::kOutOfStock);
}

TEST_F(SchedulerTest, RestockTriggerRetriesWaitingOrdersAtOnce) {
  RestockTrigger trigger = TriggerWithOrderWaitingOnTea();
  db_.state().products[{1, "tea"}].inventory = 5;
  model::StockEvent not_a_restock{0, 1, "tea", {true, false, 5}, {true, false, 4},
                                  model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {not_a_restock});
  EXPECT_TRUE(posted_.empty());

  model::StockEvent restock{0, 1, "tea", {true, false, 0}, {true, false, 5},
                            model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {restock});
  ASSERT_EQ(posted_.size(), 1u);
  posted_[0]();
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kPlaced);
}

TEST_F(SchedulerTest, RestockTriggerLeavesTheWriterAloneWhenNoOrderWaits) {
  RestockTrigger trigger = TriggerWithOrderWaitingOnTea();

  // Order 200 waits on tea, not on coffee: a coffee restock reads, and submits nothing.
  const int submits = db_.submits;
  model::StockEvent coffee{0, 1, "coffee", {false, false, 0}, {true, false, 0},
                           model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {coffee});
  ASSERT_EQ(posted_.size(), 1u);
  posted_[0]();
  EXPECT_EQ(db_.submits, submits);
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kOutOfStock);

  // A tea restock finds order 200 waiting and retries it through the writer.
  db_.state().products[{1, "tea"}].inventory = 5;
  model::StockEvent tea{0, 1, "tea", {true, false, 0}, {true, false, 5},
                        model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {tea});
  ASSERT_EQ(posted_.size(), 2u);
  posted_[1]();
  EXPECT_GT(db_.submits, submits);
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kPlaced);
}

TEST_F(SchedulerTest, RestockTriggerCoalescesRestocksWhileATaskIsQueued) {
  RestockTrigger trigger = TriggerWithOrderWaitingOnTea();
  model::StockEvent other{0, 1, "coffee", {false, false, 0}, {true, false, 0},
                          model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {other});
  db_.state().products[{1, "tea"}].inventory = 5;
  model::StockEvent tea{0, 1, "tea", {true, false, 0}, {true, false, 5},
                        model::StockSource::kApi, 0};
  trigger.OnStockEvents(1, {tea});
  // The second restock joins the queued task instead of queuing its own.
  ASSERT_EQ(posted_.size(), 1u);
  posted_[0]();
  EXPECT_EQ(db_.state().orders.at(200).status, model::OrderStatus::kPlaced);
  // Once the task has drained, the next restock posts a new one.
  trigger.OnStockEvents(1, {other});
  EXPECT_EQ(posted_.size(), 2u);
}

}  // namespace
}  // namespace restock::placement
