// restock::webhooks — which webhook events a stock or order event produces, and their
// bodies: {"id","sequence","type","created","data"} (payloads in docs/webhooks.md).
// Pure functions, thread-safe (NewEventId reads the system's random source).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "catalog/held_stock.h"
#include "core/clock.h"
#include "model/order.h"
#include "model/product.h"
#include "model/stock_event.h"
#include "model/webhook.h"

namespace restock::webhooks {

// True when tracked inventory moved from above `threshold` (or from untracked) to at or
// below it. False without a threshold or when the product is (now) untracked.
bool CrossesLowStock(const model::StockState& previous, const model::StockState& current,
                     const std::optional<std::int64_t>& threshold);

// product.stock_changed for every stock event, plus product.low_stock when it crosses the
// product's threshold (`threshold` = the product's low_stock_threshold after the change).
std::vector<model::WebhookEventType> StockEventTypes(const model::StockEvent& event,
                                                     const std::optional<std::int64_t>& threshold);

// The webhook event type of an order event; nullopt for the records kept in the order's
// history only (subscription.cycle_skipped, order.item_skipped, order.oversold).
std::optional<model::WebhookEventType> OrderEventType(model::OrderEventType type);

// "evt_" followed by 128 random bits in URL-safe base64 (22 characters).
std::string NewEventId();

// `sequence` is the event's number in its merchant's order (docs/webhooks.md, "Order of
// events"); `created` and data.changed are rendered with milliseconds.

// An event rendered but for its number, which is taken last (webhooks/outbox_writer.h).
struct UnnumberedEvent {
  std::string id;
  model::WebhookEventType type;
  UnixMicros created = 0;
  boost::json::object data;
};
// The body of `event` numbered `sequence`: {"id","sequence","type","created","data"}.
std::string Number(const UnnumberedEvent& event, std::int64_t sequence);

// The body of a product event. data: {"product_id","sku","name","live","previous_live",
// "discontinued","previous_discontinued","inventory","previous_inventory",
// "low_stock_threshold","committed","sellable","source","changed"}. `product` is the product
// after the change, when known (sku and name are "" otherwise); `held` its held stock against
// the event's inventory (catalog/held_stock.h).
UnnumberedEvent StockEventBody(std::string id, model::WebhookEventType type,
                               const model::StockEvent& event, const model::Product* product,
                               const catalog::HeldStock& held);

// The body of an order event. data: {"order": the order as `orders list` prints it,
// "date": the placement day, "day_in_flow": for order.oos_notice, "product_id" and
// "shortfall": for order.oos_predicted}. `order` is the order
// after the change. REQUIRES: OrderEventType(event.type) is set.
UnnumberedEvent OrderEventBody(std::string id, const model::OrderEvent& event,
                               const model::Order& order);

}  // namespace restock::webhooks
