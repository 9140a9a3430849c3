// restock::store — storage interfaces for subscriptions, orders and placement runs
// (docs/placement.md). Same rules as database.h: domain words, no SQL; reachable only
// through a Transaction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time_format.h"
#include "model/order.h"
#include "model/subscription.h"

namespace restock::store {

class SubscriptionRepo {
 public:
  virtual ~SubscriptionRepo() = default;
  // Inserts `s` (its id is ignored), creating its customer row if needed; returns the id.
  virtual Result<std::int64_t> Create(const model::Subscription& s) = 0;
  virtual Result<std::optional<model::Subscription>> Find(model::MerchantId merchant,
                                                          std::int64_t id) = 0;
  // One entry per id, aligned with `ids`; nullopt where the merchant has no such subscription.
  virtual Result<std::vector<std::optional<model::Subscription>>> FindMany(
      model::MerchantId merchant, std::span<const std::int64_t> ids) = 0;
  // Overwrites quantity, frequency, status and updated. NotFound when missing.
  virtual Status Update(const model::Subscription& s) = 0;
};

// A customer's upcoming delivery: the key of FindUnsent.
struct UnsentKey {
  std::string_view customer_id;
  CivilDate date;
};

struct OrderFilter {
  std::optional<model::OrderStatus> status;
  std::optional<CivilDate> place_date;
};

// A page position by order id. With before_id set: ids < before_id, newest first (the caller
// reverses for display); otherwise ids > after_id, oldest first.
struct OrderPage {
  std::int64_t after_id = 0;
  std::optional<std::int64_t> before_id;
  std::size_t limit = 10;
};

// An order a placement read skipped because a stored value cannot be read (e.g. a date past
// 9999-12-31 written by an older release). `reason` is safe to log.
struct UnreadableOrder {
  std::int64_t id = 0;
  std::string reason;
};

// A page of orders for placement. One unreadable row does not fail the page: it is listed in
// `unreadable` instead, so a run can go on with the rest.
struct PlacementPage {
  std::vector<model::Order> orders;
  std::vector<UnreadableOrder> unreadable;
  // The largest id in the page, readable or not (where the next page starts); 0 when empty.
  std::int64_t LastId() const {
    std::int64_t last = orders.empty() ? 0 : orders.back().id;
    return unreadable.empty() ? last : std::max(last, unreadable.back().id);
  }
};

class OrderRepo {
 public:
  virtual ~OrderRepo() = default;
  // The order with its items; nullopt when the merchant has no such order.
  virtual Result<std::optional<model::Order>> Find(model::MerchantId merchant,
                                                   std::int64_t id) = 0;
  // Orders a placement run for `date` considers: status unsent or out_of_stock with
  // place_date <= date, id > after_id, ascending by id, at most `limit` (readable or not),
  // with items.
  virtual Result<PlacementPage> ListForPlacement(model::MerchantId merchant, CivilDate date,
                                                 std::int64_t after_id, std::size_t limit) = 0;
  // out_of_stock orders holding an item of any of `product_ids`; id > after_id, ascending,
  // at most `limit` (readable or not), with items.
  virtual Result<PlacementPage> ListOutOfStockWithProducts(
      model::MerchantId merchant, std::span<const std::string_view> product_ids,
      std::int64_t after_id, std::size_t limit) = 0;
  // Orders matching `filter`, one page, with items.
  virtual Result<std::vector<model::Order>> List(model::MerchantId merchant,
                                                 const OrderFilter& filter,
                                                 const OrderPage& page) = 0;
  // The id of `customer_id`'s unsent order due on `date`, if any.
  virtual Result<std::optional<std::int64_t>> FindUnsent(model::MerchantId merchant,
                                                         std::string_view customer_id,
                                                         CivilDate date) = 0;
  // FindUnsent for each of `keys`, aligned with them. A backend may override it to look them
  // up with fewer statements (placement asks for a chunk's keys at once).
  virtual Result<std::vector<std::optional<std::int64_t>>> FindUnsentMany(
      model::MerchantId merchant, std::span<const UnsentKey> keys) {
    std::vector<std::optional<std::int64_t>> found;
    found.reserve(keys.size());
    for (const UnsentKey& key : keys) {
      RESTOCK_ASSIGN_OR_RETURN(std::optional<std::int64_t> id,
                               FindUnsent(merchant, key.customer_id, key.date));
      found.push_back(id);
    }
    return found;
  }
  // The unsent order holding an item of subscription `subscription_id` (its one upcoming
  // order), with items; nullopt when there is none.
  virtual Result<std::optional<model::Order>> FindUnsentWithSubscription(
      model::MerchantId merchant, std::int64_t subscription_id) = 0;
  // Inserts `order` (its id is ignored) with its items; returns the id.
  virtual Result<std::int64_t> Insert(const model::Order& order) = 0;
  // Inserts `orders` as Insert() one after the other would; returns their ids, aligned with
  // `orders`. Stops at the first order that fails: those before it stay inserted, it does
  // not. A backend may override this to write the batch with fewer statements (placement
  // inserts a chunk's next orders at once); the result must be the same as this loop.
  virtual Result<std::vector<std::int64_t>> InsertMany(std::span<const model::Order> orders) {
    std::vector<std::int64_t> ids;
    ids.reserve(orders.size());
    for (const model::Order& order : orders) {
      RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, Insert(order));
      ids.push_back(id);
    }
    return ids;
  }
  // Appends one item to an existing order.
  virtual Status AddItem(model::MerchantId merchant, std::int64_t order_id,
                         const model::OrderItem& item) = 0;
  // Overwrites the order's own fields; with `items_changed`, replaces its items as well.
  // NotFound when missing.
  virtual Status Update(const model::Order& order, bool items_changed) = 0;
  // Update(order, false) for each of `orders`, one after the other; stops at the first that
  // fails (those before it stay updated). As with InsertMany, a backend may override it to
  // write the batch with fewer statements, with the same result.
  virtual Status UpdateMany(std::span<const model::Order> orders) {
    for (const model::Order& order : orders) RESTOCK_RETURN_IF_ERROR(Update(order, false));
    return Status::Ok();
  }
  // Units of `product_id` in unsent and out_of_stock orders by place date, for dates in
  // [from, to], ascending; dates without units are absent. Out-of-stock orders count on
  // their own place date.
  virtual Result<std::vector<std::pair<CivilDate, std::int64_t>>> UnitsDue(
      model::MerchantId merchant, std::string_view product_id, CivilDate from, CivilDate to) = 0;

  // Held stock (docs/placement.md, "Held stock").
  // Units of each of `product_ids` in the merchant's unsent orders due on or before
  // `through` and in its out_of_stock orders (any date), aligned with `product_ids` (0 where
  // none). Ids may repeat. Driven by each product's items, as UnitsDue.
  virtual Result<std::vector<std::int64_t>> CommittedUnits(
      model::MerchantId merchant, std::span<const std::string_view> product_ids,
      CivilDate through) = 0;
  // The merchant's out_of_stock orders and its unsent orders due on or before `through`,
  // with items, by id; those already marked by MarkOosPredicted included. An order whose
  // stored values cannot be read (see UnreadableOrder) is left out.
  virtual Result<std::vector<model::Order>> ListHeld(model::MerchantId merchant,
                                                     CivilDate through) = 0;
  // Marks the unsent order as having had its order.oos_predicted event. True when this call
  // marked it; false when it was marked already (by an earlier unit of work, on any node: a
  // concurrent marker waits for the other's commit and then returns false), is no longer
  // unsent or is not the merchant's.
  virtual Result<bool> MarkOosPredicted(model::MerchantId merchant, std::int64_t order_id) = 0;
};

class OrderEventRepo {
 public:
  virtual ~OrderEventRepo() = default;
  virtual Status Append(std::span<const model::OrderEvent> events) = 0;
  // Oldest first.
  virtual Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId merchant,
                                                              std::int64_t order_id) = 0;
};

class PlacementRunRepo {
 public:
  virtual ~PlacementRunRepo() = default;
  // The latest day whose scheduled run completed for the merchant, if any.
  virtual Result<std::optional<CivilDate>> LastCompleted(model::MerchantId merchant) = 0;
  // Records that the run for `date` completed (idempotent).
  virtual Status RecordCompleted(model::MerchantId merchant, CivilDate date, UnixMicros at) = 0;
};

}  // namespace restock::store
