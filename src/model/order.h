// restock::model — orders (docs/placement.md): one customer's items due on one place date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/time_format.h"
#include "model/ids.h"

namespace restock::model {

// kPending: decided, waiting for the merchant's platform to accept it (docs/handoff.md).
enum class OrderStatus { kUnsent, kPlaced, kOutOfStock, kCancelled, kRejected, kPending };

// "unsent", "placed", "out_of_stock", "cancelled", "rejected", "pending".
std::string_view OrderStatusName(OrderStatus s);
std::optional<OrderStatus> ParseOrderStatus(std::string_view name);

struct OrderItem {
  std::int64_t subscription_id = 0;
  std::string product_id;
  std::int64_t quantity = 1;
  bool operator==(const OrderItem&) const = default;
};

struct Order {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::string customer_id;
  CivilDate place_date;
  OrderStatus status = OrderStatus::kUnsent;
  // Set while the order is (or was) in the out-of-stock flow.
  std::optional<CivilDate> oos_since;
  // The day the flow gives up: min(oos_since + 30 days, the subscriptions' next order date).
  std::optional<CivilDate> oos_expires;
  int last_notice_day = 0;      // the last OOS notice day emitted (0 = none yet)
  std::optional<CivilDate> placed_on;
  std::string cancel_reason;    // "out_of_stock", "customer", "merchant", ...
  std::vector<OrderItem> items;
  UnixMicros created = 0;
  UnixMicros updated = 0;
  // The hand-off to the merchant's platform (docs/handoff.md): written only by the hand-off
  // (store::HandoffRepo::SaveOutcome); OrderRepo's writes leave them as stored.
  std::string error_code;         // e.g. "140", "response_processing"; empty = none
  std::string error_message;
  std::string merchant_order_id;  // the platform's order id after SUCCESS
  int placement_attempts = 0;     // requests sent
  bool operator==(const Order&) const = default;
};

enum class OrderEventType {
  kPlaced,
  kOutOfStock,
  kOosNotice,
  kCancelled,
  // The records below are kept in the order's history only (no webhook event).
  kCycleSkipped,  // a subscription's cycle passed while the order was overdue: not placed
  kItemSkipped,   // policy `skip` dropped an item that could not ship this cycle
  kOversold,      // policy `place_anyway` placed more units than the inventory held
  kRejected,      // the merchant's platform refused the order (docs/handoff.md)
  // The projected inventory cannot cover the order, due within the merchant's warning days
  // (docs/placement.md, "Held stock"); once per order. product_id / quantity: the first item
  // short and the units missing.
  kOosPredicted,
};

// "order.placed", "order.out_of_stock", "order.oos_notice", "order.cancelled",
// "subscription.cycle_skipped", "order.item_skipped", "order.oversold", "order.rejected",
// "order.oos_predicted".
std::string_view OrderEventTypeName(OrderEventType t);
std::optional<OrderEventType> ParseOrderEventType(std::string_view name);

// Something that happened to an order, kept for notices, webhooks and its history.
struct OrderEvent {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::int64_t order_id = 0;
  OrderEventType type = OrderEventType::kPlaced;
  int day_in_flow = 0;  // for OOS notices: 1, 15, 30
  CivilDate date;       // the placement day it happened on
  UnixMicros created = 0;
  // The item concerned (cycle skipped, item skipped, oversold); 0 / empty otherwise.
  std::int64_t subscription_id = 0;
  std::string product_id = {};
  // Units: of the skipped cycle or item, oversold, or missing (oos predicted).
  std::int64_t quantity = 0;
  // For a skipped cycle: its scheduled date.
  std::optional<CivilDate> cycle_date = {};
  bool operator==(const OrderEvent&) const = default;
};

}  // namespace restock::model
