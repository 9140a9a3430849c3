// OutboxDatabase: every stock and order event appended in a unit of work writes its
// deliveries in the same unit of work, whoever the caller is, rendering what the work saved.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "catalog/stock_update.h"
#include "core/timezone.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"
#include "webhooks/outbox_database.h"

namespace restock::webhooks {
namespace {

using model::WebhookEventType;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = std::make_unique<testing::FakeDatabase>();
    fake_ = fake.get();
    db_ = std::make_unique<OutboxDatabase>(std::move(fake), clock_);
    db_->SetEnqueueObserver([this] { ++wakes_; });
    model::Product p;
    p.product_id = "P1";
    p.inventory = 10;
    p.low_stock_threshold = 3;
    fake_->state().products[{1, "P1"}] = p;
    fake_->state().products[{2, "P1"}] = p;
    for (model::MerchantId id : {1, 2}) {
      model::Merchant m;
      m.id = id;
      m.public_id = "m" + std::to_string(id);
      fake_->state().merchants[m.public_id] = m;
    }
  }

  std::int64_t AddEndpoint(model::MerchantId m, std::vector<WebhookEventType> events,
                           bool enabled = true) {
    model::WebhookEndpoint e;
    e.merchant_id = m;
    e.url = "http://x/";
    e.events = std::move(events);
    e.secret = "s";
    e.enabled = enabled;
    std::int64_t id = 0;
    EXPECT_TRUE(fake_
                    ->RunInTransaction([&](store::Transaction& tx) -> Status {
                      RESTOCK_ASSIGN_OR_RETURN(id, tx.webhook_endpoints().Create(e));
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }

  std::vector<model::WebhookDelivery> Outbox() {
    std::vector<model::WebhookDelivery> out;
    for (auto& [id, row] : fake_->state().webhooks.outbox) out.push_back(row.delivery);
    return out;
  }

  Status Update(model::MerchantId m, model::ProductPatch patch) {
    catalog::StockService stock(*db_, clock_);
    Status result = InternalError("not called");
    stock.UpdateAsync(m, {std::move(patch)}, model::StockSource::kApi,
                      [&](Result<catalog::PatchResults> r) { result = r.status(); });
    return result;
  }

  testing::FakeClock clock_;
  testing::FakeDatabase* fake_ = nullptr;
  std::unique_ptr<OutboxDatabase> db_;
  int wakes_ = 0;
};

TEST_F(OutboxTest, StockChangeEnqueuesOnlyForSubscribedEnabledEndpointsOfTheMerchant) {
  std::int64_t stock = AddEndpoint(1, {WebhookEventType::kStockChanged});
  std::int64_t low = AddEndpoint(1, {WebhookEventType::kLowStock, WebhookEventType::kStockChanged});
  AddEndpoint(1, {WebhookEventType::kOrderPlaced});
  AddEndpoint(1, {WebhookEventType::kStockChanged}, /*enabled=*/false);
  AddEndpoint(2, {WebhookEventType::kStockChanged});

  model::ProductPatch patch;
  patch.product_id = "P1";
  patch.inventory = std::optional<std::int64_t>(2);
  ASSERT_TRUE(Update(1, patch).ok());

  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].endpoint_id, stock);
  EXPECT_EQ(rows[0].type, WebhookEventType::kStockChanged);
  EXPECT_EQ(rows[1].endpoint_id, low);
  EXPECT_EQ(rows[1].type, WebhookEventType::kStockChanged);
  EXPECT_EQ(rows[0].event_id, rows[1].event_id) << "one event, two endpoints";
  EXPECT_EQ(rows[0].body, rows[1].body);
  EXPECT_EQ(rows[2].endpoint_id, low);
  EXPECT_EQ(rows[2].type, WebhookEventType::kLowStock);
  EXPECT_NE(rows[2].event_id, rows[0].event_id);
  for (const auto& r : rows) {
    EXPECT_EQ(r.status, model::DeliveryStatus::kPending);
    EXPECT_EQ(r.next_attempt_at, clock_.NowMicros());
    EXPECT_EQ(r.merchant_id, 1);
  }
  auto body = boost::json::parse(rows[2].body);
  EXPECT_EQ(body.at("id").as_string(), rows[2].event_id);
  EXPECT_EQ(body.at("data").at("inventory").as_int64(), 2);
  EXPECT_EQ(wakes_, 1);
}

TEST_F(OutboxTest, NoSubscriberNoRowsAndNoWake) {
  AddEndpoint(1, {WebhookEventType::kOrderPlaced});
  model::ProductPatch patch;
  patch.product_id = "P1";
  patch.live = false;
  ASSERT_TRUE(Update(1, patch).ok());
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(fake_->state().stock_events.size(), 1u);
  EXPECT_EQ(wakes_, 0);
}

TEST_F(OutboxTest, RolledBackWorkLeavesNoDeliveries) {
  AddEndpoint(1, {WebhookEventType::kStockChanged});
  Status s = db_->RunInTransaction([](store::Transaction& tx) -> Status {
    model::StockEvent e{0, 1, "P1", {}, {false, false, std::nullopt}, model::StockSource::kCli, 1};
    RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(std::span(&e, 1)));
    return AbortedError("changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_TRUE(fake_->state().stock_events.empty());
  EXPECT_EQ(wakes_, 0);
}

TEST_F(OutboxTest, OrderEventsRenderTheOrderAsSaved) {
  AddEndpoint(1, {WebhookEventType::kOrderCancelled});
  model::Order order;
  order.merchant_id = 1;
  order.customer_id = "c1";
  order.status = model::OrderStatus::kCancelled;
  order.cancel_reason = "merchant";
  order.items = {{3, "P1", 1}};
  fake_->state().orders[9] = order;
  fake_->state().orders[9].id = 9;
  ASSERT_TRUE(
      db_->RunInTransaction([](store::Transaction& tx) -> Status {
           model::OrderEvent e{0, 1, 9, model::OrderEventType::kCancelled, 0, {2026, 1, 2}, 1};
           return tx.order_events().Append(std::span(&e, 1));
         })
          .ok());
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].type, WebhookEventType::kOrderCancelled);
  auto body = boost::json::parse(rows[0].body);
  EXPECT_EQ(body.at("data").at("order").at("cancel_reason").as_string(), "merchant");
  EXPECT_EQ(wakes_, 1);
}

TEST_F(OutboxTest, AStockEventRendersTheProductAsTheWorkSavedIt) {
  AddEndpoint(1, {WebhookEventType::kStockChanged, WebhookEventType::kLowStock});
  // StockService appends the event before it saves the product (store/sqlite/chain_heads.h);
  // the deliveries still see the new name and the new threshold, which the new inventory
  // crosses (the old one, 3, it does not).
  model::ProductPatch patch;
  patch.product_id = "P1";
  patch.name = "Renamed";
  patch.inventory = std::optional<std::int64_t>(5);
  patch.low_stock_threshold = std::optional<std::int64_t>(6);
  ASSERT_TRUE(Update(1, patch).ok());
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].type, WebhookEventType::kStockChanged);
  EXPECT_EQ(rows[1].type, WebhookEventType::kLowStock);
  auto body = boost::json::parse(rows[0].body);
  EXPECT_EQ(body.at("data").at("name").as_string(), "Renamed");
  EXPECT_EQ(body.at("data").at("low_stock_threshold").as_int64(), 6);
}

TEST_F(OutboxTest, AStockChangedEventCarriesTheHeldStockOfTheMerchantsToday) {
  AddEndpoint(1, {WebhookEventType::kStockChanged});
  // Merchant 1 (UTC: no day function set) has 4 units due today and 9 due in a week;
  // merchant 2 has 50 due today, never counted for merchant 1.
  const CivilDate today = TimeZone::Utc().LocalDate(clock_.NowMicros());
  auto order = [&](model::MerchantId m, std::int64_t id, int in_days, std::int64_t units) {
    model::Order o;
    o.id = id;
    o.merchant_id = m;
    o.place_date = CivilFromDays(DaysFromCivil(today) + in_days);
    o.items.push_back({id, "P1", units});
    fake_->state().orders[id] = o;
  };
  order(1, 100, 0, 4);
  order(1, 101, 7, 9);
  order(2, 102, 0, 50);
  model::ProductPatch patch;
  patch.product_id = "P1";
  patch.inventory_adjust = 2;
  ASSERT_TRUE(Update(1, patch).ok());
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  auto data = boost::json::parse(rows[0].body).at("data");
  EXPECT_EQ(data.at("inventory").as_int64(), 12);
  EXPECT_EQ(data.at("committed").as_int64(), 4);
  EXPECT_EQ(data.at("sellable").as_int64(), 8);

  // A day function that fails falls back to UTC: the update is not refused for it.
  db_->SetMerchantToday([](const model::Merchant&) -> Result<CivilDate> {
    return InvalidArgumentError("unknown time zone");
  });
  patch.inventory_adjust = -10;
  ASSERT_TRUE(Update(1, patch).ok());
  data = boost::json::parse(Outbox().back().body).at("data");
  EXPECT_EQ(data.at("committed").as_int64(), 4);
  EXPECT_EQ(data.at("sellable").as_int64(), 0);
}

TEST_F(OutboxTest, DeliveriesFollowTheOrderTheEventsWereAppendedIn) {
  AddEndpoint(1, {WebhookEventType::kStockChanged, WebhookEventType::kOrderCancelled});
  model::Order order;
  order.merchant_id = 1;
  order.customer_id = "c1";
  order.status = model::OrderStatus::kCancelled;
  order.items = {{3, "P1", 1}};
  fake_->state().orders[9] = order;
  fake_->state().orders[9].id = 9;
  ASSERT_TRUE(db_->RunInTransaction([](store::Transaction& tx) -> Status {
                   model::OrderEvent cancelled{
                       0, 1, 9, model::OrderEventType::kCancelled, 0, {2026, 1, 2}, 1};
                   model::StockEvent stock{
                       0, 1, "P1", {}, {false, false, std::nullopt}, model::StockSource::kCli, 1};
                   RESTOCK_RETURN_IF_ERROR(tx.order_events().Append(std::span(&cancelled, 1)));
                   RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(std::span(&stock, 1)));
                   return tx.order_events().Append(std::span(&cancelled, 1));
                 })
                  .ok());
  auto rows = Outbox();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].type, WebhookEventType::kOrderCancelled);
  EXPECT_EQ(rows[1].type, WebhookEventType::kStockChanged);
  EXPECT_EQ(rows[2].type, WebhookEventType::kOrderCancelled);
  EXPECT_EQ(wakes_, 1);
  // One sequence for the merchant, in the order the events were appended.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(boost::json::parse(rows[i].body).at("sequence").as_int64(),
              static_cast<std::int64_t>(i) + 1);
  }
}

TEST_F(OutboxTest, TwoChangesInOneSecondCarryIncreasingSequencesAndDistinctMilliseconds) {
  AddEndpoint(1, {WebhookEventType::kStockChanged, WebhookEventType::kLowStock});
  AddEndpoint(2, {WebhookEventType::kStockChanged});
  clock_.Set(1'780'000'000'000'000);
  model::ProductPatch a;
  a.product_id = "P1";
  a.inventory = 2;  // 10 -> 2 crosses the threshold 3: stock_changed and low_stock
  ASSERT_TRUE(Update(1, a).ok());
  clock_.Set(1'780'000'000'004'000);  // 4 ms later, the same second
  model::ProductPatch b;
  b.product_id = "P1";
  b.inventory = 5;
  ASSERT_TRUE(Update(1, b).ok());
  ASSERT_TRUE(Update(2, b).ok());  // another merchant: its own numbering

  std::vector<std::pair<std::int64_t, std::string>> merchant1;
  std::vector<std::int64_t> merchant2;
  for (const auto& row : Outbox()) {
    auto v = boost::json::parse(row.body);
    std::int64_t sequence = v.at("sequence").as_int64();
    if (row.merchant_id == 1) {
      merchant1.emplace_back(sequence, std::string(v.at("created").as_string()));
    } else {
      merchant2.push_back(sequence);
    }
  }
  using Event = std::pair<std::int64_t, std::string>;
  EXPECT_EQ(merchant1, (std::vector<Event>{{1, "2026-05-28T20:26:40.000Z"},
                                           {2, "2026-05-28T20:26:40.000Z"},
                                           {3, "2026-05-28T20:26:40.004Z"}}));
  EXPECT_EQ(merchant2, std::vector<std::int64_t>{1});
}

}  // namespace
}  // namespace restock::webhooks
