#include "webhooks/events.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace restock::webhooks {
namespace {

using model::StockState;
using model::WebhookEventType;

StockState Inv(std::optional<std::int64_t> n) { return {true, false, n}; }

TEST(EventsTest, LowStockFiresOnlyWhenCrossingTheThresholdDownward) {
  const std::optional<std::int64_t> t = 5;
  EXPECT_TRUE(CrossesLowStock(Inv(6), Inv(5), t)) << "reaching the threshold";
  EXPECT_TRUE(CrossesLowStock(Inv(100), Inv(0), t));
  EXPECT_TRUE(CrossesLowStock(Inv(std::nullopt), Inv(3), t)) << "tracking starts low";
  EXPECT_FALSE(CrossesLowStock(Inv(5), Inv(4), t)) << "already at or below";
  EXPECT_FALSE(CrossesLowStock(Inv(4), Inv(6), t)) << "upward";
  EXPECT_FALSE(CrossesLowStock(Inv(10), Inv(6), t)) << "still above";
  EXPECT_FALSE(CrossesLowStock(Inv(10), Inv(std::nullopt), t)) << "untracked";
  EXPECT_FALSE(CrossesLowStock(Inv(10), Inv(0), std::nullopt)) << "no threshold";
}

TEST(EventsTest, EveryStockEventIsStockChangedPlusLowStockOnACrossing) {
  model::StockEvent e;
  e.previous = Inv(10);
  e.current = Inv(2);
  EXPECT_EQ(StockEventTypes(e, 3), (std::vector<WebhookEventType>{WebhookEventType::kStockChanged,
                                                                  WebhookEventType::kLowStock}));
  EXPECT_EQ(StockEventTypes(e, 1), std::vector<WebhookEventType>{WebhookEventType::kStockChanged});
}

TEST(EventsTest, StockBodyHasTheEnvelopeAndTheSpecFields) {
  model::StockEvent e{0,
                      1,
                      "P1",
                      {true, false, 3},
                      {false, false, 0},
                      model::StockSource::kPlacement,
                      1'700'000'000'012'345};
  model::Product p;
  p.product_id = "P1";
  p.sku = "S-1";
  p.name = "Caf\xC3\xA9 \"x\"";
  p.low_stock_threshold = 2;
  auto v = boost::json::parse(
      Number(StockEventBody("evt_1", WebhookEventType::kStockChanged, e, &p, {4, 0}), 17));
  const auto& o = v.as_object();
  EXPECT_EQ(o.size(), 5u);
  EXPECT_EQ(o.at("id").as_string(), "evt_1");
  EXPECT_EQ(o.at("sequence").as_int64(), 17);
  EXPECT_EQ(o.at("type").as_string(), "product.stock_changed");
  // Milliseconds, truncated (12,345 us).
  EXPECT_EQ(o.at("created").as_string(), "2023-11-14T22:13:20.012Z");
  const auto& d = o.at("data").as_object();
  EXPECT_EQ(d.at("product_id").as_string(), "P1");
  EXPECT_EQ(d.at("name").as_string(), "Caf\xC3\xA9 \"x\"");
  EXPECT_EQ(d.at("live").as_bool(), false);
  EXPECT_EQ(d.at("previous_live").as_bool(), true);
  EXPECT_EQ(d.at("inventory").as_int64(), 0);
  EXPECT_EQ(d.at("previous_inventory").as_int64(), 3);
  EXPECT_EQ(d.at("low_stock_threshold").as_int64(), 2);
  EXPECT_EQ(d.at("committed").as_int64(), 4);
  EXPECT_EQ(d.at("sellable").as_int64(), 0);
  EXPECT_EQ(d.at("source").as_string(), "placement");
  EXPECT_EQ(d.at("changed").as_string(), "2023-11-14T22:13:20.012Z");
}

TEST(EventsTest, OrderBodyCarriesTheOrderAndTheNoticeDay) {
  model::Order order;
  order.id = 42;
  order.customer_id = "c1";
  order.place_date = {2026, 3, 1};
  order.status = model::OrderStatus::kOutOfStock;
  order.items = {{7, "W", 2}};
  model::OrderEvent e{0, 1, 42, model::OrderEventType::kOosNotice, 15, {2026, 3, 15}, 5};
  auto v = boost::json::parse(Number(OrderEventBody("evt_2", e, order), 3));
  EXPECT_EQ(v.at("type").as_string(), "order.oos_notice");
  EXPECT_EQ(v.at("sequence").as_int64(), 3);
  EXPECT_EQ(v.at("data").at("order").at("id").as_int64(), 42);
  EXPECT_EQ(v.at("data").at("order").at("status").as_string(), "out_of_stock");
  EXPECT_EQ(v.at("data").at("day_in_flow").as_int64(), 15);
  EXPECT_EQ(v.at("data").at("date").as_string(), "2026-03-15");
  model::OrderEvent placed{0, 1, 42, model::OrderEventType::kPlaced, 0, {2026, 3, 1}, 5};
  auto p = boost::json::parse(Number(OrderEventBody("evt_3", placed, order), 4));
  EXPECT_EQ(p.at("type").as_string(), "order.placed");
  EXPECT_EQ(p.at("data").as_object().count("day_in_flow"), 0u);
}

TEST(EventsTest, EventIdsAreUnique) {
  std::string a = NewEventId(), b = NewEventId();
  EXPECT_EQ(a.rfind("evt_", 0), 0u);
  EXPECT_EQ(a.size(), 26u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace restock::webhooks
