// restock::json — Boost.JSON renderings of model types and the JSON -> RawElement adapter,
// shared by the HTTP and CLI adapters so both speak the same field names (docs/api.md).
// Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "catalog/held_stock.h"
#include "catalog/raw_element.h"
#include "catalog/validation.h"
#include "model/order.h"
#include "model/product.h"
#include "model/subscription.h"
#include "model/stock_event.h"

namespace restock::json {

// {"product_id","sku","name","price" ("12.99" or null),"live","discontinued",
//  "autoship_enabled","image_url","detail_url","inventory","low_stock_threshold",
//  "committed","sellable","created","last_update"} with ISO-8601 UTC times; "committed" and
//  "sellable" are `held`'s (null when untracked).
boost::json::object ProductToJson(const model::Product& product, const catalog::HeldStock& held);

// Sets out["committed"] and out["sellable"] (a number, or null when untracked).
void AddHeldStock(boost::json::object& out, const catalog::HeldStock& held);

// {"id","product_id","source","created","previous":{live,discontinued,inventory},
//  "current":{…}}.
boost::json::object StockEventToJson(const model::StockEvent& event);

// `orders list` (docs/api.md "Commands"): {"id","customer","place_date","status",
// "items":[{"product_id","quantity","subscription_id"}],"oos_since","cancel_reason"} plus
// "oos_expires","placed_on" and the hand-off's "error_code","error_message",
// "merchant_order_id" (each a string or null) and "placement_attempts" (docs/handoff.md).
boost::json::object OrderToJson(const model::Order& order);

// One event of an order's history: {"id","order_id","type","date","created"}, plus
// "day_in_flow" for order.oos_notice, and "subscription_id","product_id","quantity" for the
// events about one item ("cycle_date" too for subscription.cycle_skipped).
boost::json::object OrderEventToJson(const model::OrderEvent& event);

// {"id","customer","product_id","quantity","every","period","status","start","created",
//  "updated"}.
boost::json::object SubscriptionToJson(const model::Subscription& subscription);

// A validation failure's fields: {"field": ["message", …], …}, fields in the given order.
boost::json::object ErrorsToJson(const catalog::FieldErrors& errors);

// Converts a JSON value into the neutral form validated by catalog/.
catalog::RawValue RawValueFromJson(const boost::json::value& value);
// A non-object becomes a RawElement with is_object = false.
catalog::RawElement RawElementFromJson(const boost::json::value& value);

}  // namespace restock::json
