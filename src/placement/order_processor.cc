#include "placement/order_processor.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "catalog/availability.h"
#include "model/subscription.h"
#include "model/webhook.h"
#include "placement/handoff_queue.h"

namespace restock::placement {
namespace {

using model::Order;
using model::OrderEvent;
using model::OrderEventType;
using model::OrderItem;
using model::OrderStatus;

// A customer and a date (in days since the epoch).
using CustomerDay = std::pair<std::string, std::int64_t>;
struct CustomerDayHash {
  std::size_t operator()(const CustomerDay& key) const {
    return std::hash<std::string_view>{}(key.first) ^
           (std::hash<std::int64_t>{}(key.second) * 0x9e3779b97f4a7c15ULL);
  }
};

// Everything one batch reads and writes, kept in memory until the end of the batch.
class Batch {
 public:
  Batch(store::Transaction& tx, const model::Merchant& merchant, CivilDate date,
        const FlowOptions& options, UnixMicros now)
      : tx_(tx), merchant_(merchant), date_(date), options_(options), now_(now) {}

  Status Load(const std::vector<Order>& orders);
  HandoffQueue& handoffs() { return handoffs_; }
  Status Process(Order& order);
  Status Flush();
  PlacementSummary TakeSummary() { return std::move(summary_); }

 private:
  struct ItemSplit {
    std::vector<OrderItem> ship, wait, dropped;
  };

  ItemSplit Decide(const Order& order);
  void Reserve(const Order& order, const OrderItem& item, bool allow_oversell);
  // The schedule of `sub` after `order`, moved past the run's day (rule 4 and the schedule
  // rule of docs/placement.md: at most one order per subscription and run).
  model::ScheduleAdvance NextAfterToday(const Order& order, const model::Subscription& sub,
                                        std::size_t record_limit) const;
  Status ScheduleNextOrders(const Order& order);
  CivilDate Expiry(const Order& order) const;
  void Notify(Order& order);
  void Emit(const Order& order, OrderEventType type, int day = 0);
  // An event about one item of `order` (a skipped cycle or item, oversold units).
  void EmitItem(const Order& order, OrderEventType type, const OrderItem& item,
                std::int64_t quantity, std::optional<CivilDate> cycle_date = std::nullopt);
  // Writes the order's state; without changed items, later, with the batch's other updates
  // (the order is moved there: an order is not used once decided).
  Status Save(Order&& order, bool items_changed);
  Status WriteUpdates();
  // Looks up, for every next order the batch's unsent orders will need, the customer's
  // unsent order of that day in one FindUnsentMany; FindUnsent then answers from it.
  Status PrefetchUnsent(const std::vector<Order>& orders);
  // What tx_.orders().FindUnsent would return now, had every decision of the batch so far
  // been written (the next orders of the batch aside: they are handled in memory).
  Result<std::optional<std::int64_t>> FindUnsent(const std::string& customer, CivilDate date);

  store::Transaction& tx_;
  const model::Merchant& merchant_;
  const CivilDate date_;
  const FlowOptions& options_;
  const UnixMicros now_;
  std::unordered_map<std::string, model::Product> products_;
  std::unordered_map<std::string, model::StockState> loaded_;
  std::unordered_map<std::int64_t, model::Subscription> subscriptions_;
  std::vector<OrderEvent> order_events_;
  // Orders decided by this batch whose rows are not written yet (Save).
  std::vector<Order> updates_;
  // By (customer, date in days): FindUnsent's answer when the batch started.
  std::unordered_map<CustomerDay, std::optional<std::int64_t>, CustomerDayHash> unsent_;
  // Next orders created by this batch, inserted together by Flush(); by (customer, place
  // date in days) the first of them, which is the one FindUnsent would have returned.
  std::vector<Order> next_orders_;
  std::unordered_map<CustomerDay, std::size_t, CustomerDayHash> first_next_order_;
  PlacementSummary summary_;
  HandoffQueue handoffs_;  // a merchant with a placement target: decided orders go pending
};

Status Batch::Load(const std::vector<Order>& orders) {
  std::vector<std::string_view> product_ids;
  std::vector<std::int64_t> subscription_ids;
  subscription_ids.reserve(orders.size());
  subscriptions_.reserve(orders.size());
  updates_.reserve(orders.size());
  next_orders_.reserve(orders.size());
  first_next_order_.reserve(orders.size());
  for (const Order& o : orders) {
    for (const OrderItem& item : o.items) {
      if (products_.try_emplace(item.product_id).second) product_ids.push_back(item.product_id);
      if (subscriptions_.try_emplace(item.subscription_id).second) {
        subscription_ids.push_back(item.subscription_id);
      }
    }
  }
  // The maps were only used to de-duplicate ids; they are filled with what was found.
  RESTOCK_ASSIGN_OR_RETURN(auto products, tx_.products().FindMany(merchant_.id, product_ids));
  products_.clear();
  for (auto& p : products) {
    if (!p) continue;
    loaded_[p->product_id] = {p->live, p->discontinued, p->inventory};
    std::string id = p->product_id;
    products_.emplace(std::move(id), std::move(*p));
  }
  RESTOCK_ASSIGN_OR_RETURN(auto subs,
                           tx_.subscriptions().FindMany(merchant_.id, subscription_ids));
  subscriptions_.clear();
  for (auto& s : subs) {
    if (s) subscriptions_.emplace(s->id, std::move(*s));
  }
  return PrefetchUnsent(orders);
}

Status Batch::PrefetchUnsent(const std::vector<Order>& orders) {
  std::vector<store::UnsentKey> keys;
  // Where each key's answer goes (elements of an unordered_map stay where they are).
  std::vector<std::optional<std::int64_t>*> answers;
  keys.reserve(orders.size());
  answers.reserve(orders.size());
  unsent_.reserve(orders.size());
  for (const Order& o : orders) {
    if (o.status != OrderStatus::kUnsent) continue;  // only unsent orders schedule next ones
    for (const OrderItem& item : o.items) {
      auto it = subscriptions_.find(item.subscription_id);
      if (it == subscriptions_.end()) continue;
      std::optional<CivilDate> next = NextAfterToday(o, it->second, 0).next;
      if (!next) continue;
      auto [entry, added] = unsent_.try_emplace({o.customer_id, DaysFromCivil(*next)});
      if (added) {
        keys.push_back({o.customer_id, *next});
        answers.push_back(&entry->second);
      }
    }
  }
  if (keys.empty()) return Status::Ok();
  RESTOCK_ASSIGN_OR_RETURN(auto found, tx_.orders().FindUnsentMany(merchant_.id, keys));
  for (std::size_t i = 0; i < keys.size(); ++i) *answers[i] = found[i];
  return Status::Ok();
}

// While the batch runs, orders only stop being unsent (its own, once decided), and those are
// all due on or before the run's day, while next orders are due after it; none becomes unsent
// in the database (the batch's next orders are written at the end). So the answer from the
// batch's start holds for the whole batch.
Result<std::optional<std::int64_t>> Batch::FindUnsent(const std::string& customer,
                                                      CivilDate date) {
  auto it = unsent_.find({customer, DaysFromCivil(date)});
  if (it != unsent_.end()) return it->second;
  RESTOCK_ASSIGN_OR_RETURN(auto existing, tx_.orders().FindUnsent(merchant_.id, customer, date));
  unsent_.emplace(CustomerDay{customer, DaysFromCivil(date)}, existing);
  return existing;
}

void Batch::Reserve(const Order& order, const OrderItem& item, bool allow_oversell) {
  model::Product& p = products_.at(item.product_id);
  if (!p.inventory) return;
  std::int64_t left = *p.inventory - item.quantity;
  if (left < 0 && allow_oversell) {
    // place_anyway ships what the inventory does not hold: the shortfall is recorded on the
    // order (and counted) rather than lost when the inventory stops at 0.
    summary_.oversold_units += static_cast<std::size_t>(-left);
    EmitItem(order, OrderEventType::kOversold, item, -left);
    left = 0;
  }
  p.inventory = left;
  // Rule 8: running out flips the product to live:false, so the next order (and the merchant's
  // storefront) sees it out of stock without a call from the merchant.
  if (*p.inventory == 0) p.live = false;
}

Batch::ItemSplit Batch::Decide(const Order& order) {
  ItemSplit split;
  auto can_ship = [&](const OrderItem& item) {
    auto it = products_.find(item.product_id);
    return it != products_.end() && catalog::CanShip(it->second, item.quantity);
  };
  auto subscribed = [&](const OrderItem& item) {
    auto it = subscriptions_.find(item.subscription_id);
    return it != subscriptions_.end() &&
           it->second.status == model::SubscriptionStatus::kActive;
  };
  std::vector<OrderItem> candidates;
  for (const OrderItem& item : order.items) {
    (subscribed(item) ? candidates : split.dropped).push_back(item);
  }

  switch (merchant_.oos_policy) {
    case model::OosPolicy::kSplit:
    case model::OosPolicy::kSkip:
      for (const OrderItem& item : candidates) {
        if (can_ship(item)) {
          Reserve(order, item, false);
          split.ship.push_back(item);
        } else if (merchant_.oos_policy == model::OosPolicy::kSkip) {
          // The item leaves the order; its event keeps it in the order's history.
          EmitItem(order, OrderEventType::kItemSkipped, item, item.quantity);
          split.dropped.push_back(item);
          ++summary_.skipped_items;
        } else {
          split.wait.push_back(item);
        }
      }
      break;
    case model::OosPolicy::kHold: {
      // All or nothing: check the order's total per product before reserving any of it.
      std::unordered_map<std::string_view, std::int64_t> needed;
      for (const OrderItem& item : candidates) needed[item.product_id] += item.quantity;
      bool all = std::all_of(needed.begin(), needed.end(), [&](const auto& entry) {
        auto it = products_.find(std::string(entry.first));
        return it != products_.end() && catalog::CanShip(it->second, entry.second);
      });
      for (const OrderItem& item : candidates) {
        if (all) Reserve(order, item, false);
        (all ? split.ship : split.wait).push_back(item);
      }
      break;
    }
    case model::OosPolicy::kPlaceAnyway:
      for (const OrderItem& item : candidates) {
        if (products_.count(item.product_id)) {
          Reserve(order, item, true);
          split.ship.push_back(item);
        } else {
          split.dropped.push_back(item);  // the product no longer exists
        }
      }
      break;
  }
  return split;
}

model::ScheduleAdvance Batch::NextAfterToday(const Order& order, const model::Subscription& sub,
                                             std::size_t record_limit) const {
  return model::AdvancePast(order.place_date, sub.frequency, model::AnchorDay(sub), date_,
                            record_limit);
}

// Rule 4: every subscription whose item was placed or moved into the flow gets its next
// order at once, dated from this order's place date, never from the day an OOS item ships.
// A run places at most one order per subscription: scheduled dates that are already due
// (the order was overdue) are skipped and recorded, and the next order is the first
// scheduled date after the run's day, so the run never meets it again.
Status Batch::ScheduleNextOrders(const Order& order) {
  for (const OrderItem& item : order.items) {
    auto it = subscriptions_.find(item.subscription_id);
    if (it == subscriptions_.end() || it->second.status != model::SubscriptionStatus::kActive) {
      continue;
    }
    const model::Subscription& sub = it->second;
    OrderItem next_item{sub.id, sub.product_id, sub.quantity};
    model::ScheduleAdvance schedule = NextAfterToday(order, sub, kMaxRecordedSkips);
    summary_.skipped_cycles += static_cast<std::size_t>(schedule.skipped);
    for (CivilDate skipped : schedule.skipped_dates) {
      EmitItem(order, OrderEventType::kCycleSkipped, next_item, sub.quantity, skipped);
    }
    if (!schedule.next) {
      // The calendar ends (9999-12-31) before the next cycle: nothing more to schedule.
      ++summary_.schedules_ended;
      continue;
    }
    const CivilDate next = *schedule.next;
    RESTOCK_ASSIGN_OR_RETURN(auto existing, FindUnsent(order.customer_id, next));
    if (existing) {
      RESTOCK_RETURN_IF_ERROR(tx_.orders().AddItem(merchant_.id, *existing, next_item));
      continue;
    }
    // The next orders of this batch are not written yet, and have larger ids than any order
    // in the database: FindUnsent would return the first of them only when it found nothing.
    CustomerDay key{order.customer_id, DaysFromCivil(next)};
    auto first = first_next_order_.find(key);
    if (first != first_next_order_.end()) {
      next_orders_[first->second].items.push_back(std::move(next_item));
      continue;
    }
    Order fresh;
    fresh.merchant_id = merchant_.id;
    fresh.customer_id = order.customer_id;
    fresh.place_date = next;
    fresh.items.push_back(std::move(next_item));
    fresh.created = fresh.updated = now_;
    first_next_order_.emplace(std::move(key), next_orders_.size());
    next_orders_.push_back(std::move(fresh));
    ++summary_.next_orders;
  }
  return Status::Ok();
}

CivilDate Batch::Expiry(const Order& order) const {
  return OosExpiry(order, subscriptions_, options_.max_days);
}

// Rule 7: one notice per notice day reached. When runs skipped a notice day, only the latest
// reached is sent, so a customer never gets two notices at once.
void Batch::Notify(Order& order) {
  int day = DayInFlow(*order.oos_since, date_);
  int due = 0;
  for (int n : options_.notice_days) {
    if (n > order.last_notice_day && n <= day) due = std::max(due, n);
  }
  if (due == 0) return;
  order.last_notice_day = due;
  Emit(order, OrderEventType::kOosNotice, due);
}

void Batch::Emit(const Order& order, OrderEventType type, int day) {
  order_events_.push_back(OrderEvent{.merchant_id = merchant_.id,
                                     .order_id = order.id,
                                     .type = type,
                                     .day_in_flow = day,
                                     .date = date_,
                                     .created = now_});
}

void Batch::EmitItem(const Order& order, OrderEventType type, const OrderItem& item,
                     std::int64_t quantity, std::optional<CivilDate> cycle_date) {
  order_events_.push_back(OrderEvent{.merchant_id = merchant_.id,
                                     .order_id = order.id,
                                     .type = type,
                                     .date = date_,
                                     .created = now_,
                                     .subscription_id = item.subscription_id,
                                     .product_id = item.product_id,
                                     .quantity = quantity,
                                     .cycle_date = cycle_date});
}

Status Batch::Process(Order& order) {
  ++summary_.considered;
  const bool was_unsent = order.status == OrderStatus::kUnsent;
  order.updated = now_;
  if (!was_unsent && order.oos_expires && date_ >= *order.oos_expires) {
    order.status = OrderStatus::kCancelled;
    order.cancel_reason = "out_of_stock";
    Emit(order, OrderEventType::kCancelled);
    ++summary_.cancelled;
    return Save(std::move(order), false);
  }

  ItemSplit split = Decide(order);
  if (was_unsent) RESTOCK_RETURN_IF_ERROR(ScheduleNextOrders(order));
  bool items_changed = !split.dropped.empty();

  if (!split.ship.empty() && !split.wait.empty()) {
    // Split: the waiting items move to a new order in the flow; this one is placed.
    Order waiting = order;
    waiting.id = 0;
    waiting.items = std::move(split.wait);
    waiting.status = OrderStatus::kOutOfStock;
    waiting.oos_since = order.oos_since.value_or(date_);
    waiting.oos_expires = Expiry(waiting);
    waiting.created = now_;
    RESTOCK_ASSIGN_OR_RETURN(waiting.id, tx_.orders().Insert(waiting));
    summary_.split_order_ids.push_back(waiting.id);
    ++summary_.split;
    if (was_unsent) {
      Emit(waiting, OrderEventType::kOutOfStock);
      ++summary_.out_of_stock;
    } else {
      ++summary_.still_out_of_stock;
    }
    Notify(waiting);
    if (waiting.last_notice_day != order.last_notice_day) {
      RESTOCK_RETURN_IF_ERROR(Save(std::move(waiting), false));
    }
    items_changed = true;
  } else if (split.ship.empty() && !split.wait.empty()) {
    order.items = std::move(split.wait);
    if (was_unsent) {
      order.status = OrderStatus::kOutOfStock;
      order.oos_since = date_;
      order.oos_expires = Expiry(order);
      Emit(order, OrderEventType::kOutOfStock);
      ++summary_.out_of_stock;
    } else {
      ++summary_.still_out_of_stock;
    }
    Notify(order);
    return Save(std::move(order), items_changed);
  }

  if (split.ship.empty()) {
    // Nothing left to send: every item was skipped or its subscription ended.
    order.status = OrderStatus::kCancelled;
    order.cancel_reason =
        merchant_.oos_policy == model::OosPolicy::kSkip ? "out_of_stock_skipped" : "no_items";
    order.items = std::move(split.dropped);
    Emit(order, OrderEventType::kCancelled);
    ++summary_.cancelled;
    return Save(std::move(order), false);
  }

  order.items = std::move(split.ship);
  if (handoffs_.active()) {
    // Placed only once the merchant's platform accepts it (docs/handoff.md).
    order.status = OrderStatus::kPending;
    handoffs_.Add(order, subscriptions_, now_, !was_unsent);
    ++summary_.pending;
    return Save(std::move(order), items_changed);
  }
  order.status = OrderStatus::kPlaced;
  order.placed_on = date_;
  if (options_.record_placed_events) Emit(order, OrderEventType::kPlaced);
  ++summary_.placed;
  return Save(std::move(order), items_changed);
}

Status Batch::Save(Order&& order, bool items_changed) {
  if (items_changed) return tx_.orders().Update(order, true);
  updates_.push_back(std::move(order));
  return Status::Ok();
}

Status Batch::WriteUpdates() {
  if (updates_.empty()) return Status::Ok();
  RESTOCK_RETURN_IF_ERROR(tx_.orders().UpdateMany(updates_));
  updates_.clear();
  return Status::Ok();
}

Status Batch::Flush() {
  RESTOCK_RETURN_IF_ERROR(WriteUpdates());
  if (!next_orders_.empty()) RESTOCK_RETURN_IF_ERROR(tx_.orders().InsertMany(next_orders_).status());
  std::vector<model::Product> changed;
  std::vector<model::StockEvent> events;
  for (auto& [id, product] : products_) {
    model::StockState before = loaded_.at(id);
    model::StockState after{product.live, product.discontinued, product.inventory};
    if (before == after) continue;
    product.last_update = now_;
    // One event per product per batch (old -> new), not one per order: a million-order
    // morning would otherwise write a million events for one product.
    events.push_back(model::StockEvent{0, merchant_.id, id, before, after,
                                       model::StockSource::kPlacement, now_});
    changed.push_back(product);
  }
  // Events before the updates: the store's write order (store::StockEventRepo::Append).
  if (!events.empty()) RESTOCK_RETURN_IF_ERROR(tx_.stock_events().Append(events));
  if (!changed.empty()) RESTOCK_RETURN_IF_ERROR(tx_.products().Update(merchant_.id, changed));
  if (!order_events_.empty()) RESTOCK_RETURN_IF_ERROR(tx_.order_events().Append(order_events_));
  return handoffs_.Flush(tx_);
}

}  // namespace

Result<PlacementSummary> ProcessOrders(store::Transaction& tx, const model::Merchant& merchant,
                                       CivilDate date, std::vector<model::Order> orders,
                                       const FlowOptions& options, UnixMicros now) {
  // order.placed events are written only when someone listens: a webhook endpoint of the
  // merchant subscribed to them (or the options ask for them anyway).
  FlowOptions effective = options;
  if (!effective.record_placed_events) {
    RESTOCK_ASSIGN_OR_RETURN(auto endpoints, tx.webhook_endpoints().ListForMerchant(merchant.id));
    for (const model::WebhookEndpoint& e : endpoints) {
      if (e.enabled && e.Subscribes(model::WebhookEventType::kOrderPlaced)) {
        effective.record_placed_events = true;
      }
    }
  }
  Batch batch(tx, merchant, date, effective, now);
  RESTOCK_RETURN_IF_ERROR(batch.handoffs().Load(tx, merchant.id));
  RESTOCK_RETURN_IF_ERROR(batch.Load(orders));
  for (Order& order : orders) RESTOCK_RETURN_IF_ERROR(batch.Process(order));
  RESTOCK_RETURN_IF_ERROR(batch.Flush());
  return batch.TakeSummary();
}

}  // namespace restock::placement
