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

enum class OrderStatus { kUnsent, kPlaced, kOutOfStock, kCancelled, kRejected };

// "unsent", "placed", "out_of_stock", "cancelled", "rejected".
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
  bool operator==(const Order&) const = default;
};

enum class OrderEventType { kPlaced, kOutOfStock, kOosNotice, kCancelled };

// "order.placed", "order.out_of_stock", "order.oos_notice", "order.cancelled".
std::string_view OrderEventTypeName(OrderEventType t);
std::optional<OrderEventType> ParseOrderEventType(std::string_view name);

// Something that happened to an order, kept for notices and webhooks.
struct OrderEvent {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::int64_t order_id = 0;
  OrderEventType type = OrderEventType::kPlaced;
  int day_in_flow = 0;  // for OOS notices: 1, 15, 30
  CivilDate date;       // the placement day it happened on
  UnixMicros created = 0;
  bool operator==(const OrderEvent&) const = default;
};

}  // namespace restock::model
