// restock::placement — creating and changing subscriptions, and the order operations the
// API offers (docs/api.md "Subscriptions, orders and placement": `subscription add`, `orders list`,
// /subscriptions/, /orders/). Each function is one transaction; thread-safe; blocking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/order.h"
#include "model/subscription.h"
#include "store/database.h"

namespace restock::placement {

inline constexpr std::int64_t kMaxQuantity = 10'000;

struct NewSubscription {
  std::string customer_id;
  std::string product_id;
  std::int64_t quantity = 1;
  model::Frequency frequency;
  CivilDate start;
};

struct CreatedSubscription {
  std::int64_t subscription_id = 0;
  std::int64_t order_id = 0;
  CivilDate place_date;
};

// Creates the subscription and its first upcoming order on `start` (joining the customer's
// unsent order of that day if there is one). InvalidArgument for a bad customer id (1..64
// bytes, no control characters), quantity (1..10000) or frequency, or a schedule leaving
// 0001-01-01..9999-12-31 (the start, or the date after it); NotFound when the merchant has
// no such product.
Result<CreatedSubscription> CreateSubscription(store::Database& db, const Clock& clock,
                                               model::MerchantId merchant,
                                               const NewSubscription& request);

struct SubscriptionChange {
  bool cancel = false;
  std::optional<std::int64_t> quantity;
  std::optional<model::Frequency> frequency;
};

// Applies `change`. Cancelling removes the subscription's item from its upcoming order
// (cancelling that order when it empties); a new quantity also applies to the upcoming
// order; a new frequency applies from the next order created. NotFound for an unknown id;
// FailedPrecondition when changing a cancelled subscription; InvalidArgument for bad values,
// or a frequency that would date the next order after 9999-12-31.
Result<model::Subscription> UpdateSubscription(store::Database& db, const Clock& clock,
                                               model::MerchantId merchant, std::int64_t id,
                                               const SubscriptionChange& change);

Result<model::Subscription> GetSubscription(store::Database& db, model::MerchantId merchant,
                                            std::int64_t id);

Result<model::Order> GetOrder(store::Database& db, model::MerchantId merchant, std::int64_t id);

// The history of one order (its events), oldest first. NotFound when the merchant has no
// such order.
Result<std::vector<model::OrderEvent>> ListOrderEvents(store::Database& db,
                                                       model::MerchantId merchant,
                                                       std::int64_t order_id);

// The most orders ListOrders returns at once: a page of the largest size (100) and one
// more, which tells a caller paging with limit = page size + 1 whether another page exists.
inline constexpr std::size_t kMaxOrdersListed = 101;

// One page of orders; `page.limit` is capped at kMaxOrdersListed.
Result<std::vector<model::Order>> ListOrders(store::Database& db, model::MerchantId merchant,
                                             const store::OrderFilter& filter,
                                             store::OrderPage page);

// Cancels an unsent or out-of-stock order (reason "merchant"). Cancelling an unsent order
// skips that delivery only: its subscriptions get their next order as if a run on `today`
// (the merchant's local day) had placed it, so an overdue order's next one is the first
// scheduled date after `today`, the cycles due meanwhile skipped (subscription.cycle_skipped).
// FailedPrecondition for a placed, cancelled or rejected order; NotFound for an unknown id.
Result<model::Order> CancelOrder(store::Database& db, const Clock& clock,
                                 model::MerchantId merchant, std::int64_t id, CivilDate today);

}  // namespace restock::placement
