#include "placement/subscriptions.h"

#include <algorithm>
#include <vector>

#include "placement/policy.h"

namespace restock::placement {
namespace {

Status CheckCustomerId(const std::string& id) {
  if (id.empty() || id.size() > 64) return InvalidArgumentError("customer must be 1 to 64 bytes");
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return InvalidArgumentError("customer must not contain control characters");
  }
  return Status::Ok();
}

Status CheckQuantity(std::int64_t q) {
  if (q < 1 || q > kMaxQuantity) return InvalidArgumentError("quantity must be 1 to 10000");
  return Status::Ok();
}

Status CheckFrequency(model::Frequency f) {
  if (!model::IsValidFrequency(f)) {
    return InvalidArgumentError("frequency must be 1-730 days, 1-104 weeks or 1-24 months");
  }
  return Status::Ok();
}

// A schedule must stay within the dates that can be stored: its start and the date after it.
// (A schedule reaching the end of the calendar later simply ends there.)
Status CheckSchedule(CivilDate start, model::Frequency f, int anchor_day) {
  const std::string range =
      FormatDate(model::kFirstSupportedDate) + " to " + FormatDate(model::kLastSupportedDate);
  if (!model::IsSupportedDate(start)) {
    return InvalidArgumentError("start must be a date from " + range);
  }
  if (!model::NextScheduledDate(start, f, anchor_day)) {
    return InvalidArgumentError("the order after " + FormatDate(start) + " would fall after " +
                                FormatDate(model::kLastSupportedDate) +
                                ": the schedule must stay within " + range);
  }
  return Status::Ok();
}

// Adds `item` to the customer's unsent order on `date`, or creates that order.
Result<std::int64_t> AddToUpcomingOrder(store::Transaction& tx, model::MerchantId merchant,
                                        const std::string& customer, CivilDate date,
                                        const model::OrderItem& item, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(auto existing, tx.orders().FindUnsent(merchant, customer, date));
  if (existing) {
    RESTOCK_RETURN_IF_ERROR(tx.orders().AddItem(merchant, *existing, item));
    return *existing;
  }
  model::Order order;
  order.merchant_id = merchant;
  order.customer_id = customer;
  order.place_date = date;
  order.items.push_back(item);
  order.created = order.updated = now;
  return tx.orders().Insert(order);
}

// What a unit of work that decides the merchant's orders declares: their lock comes before
// any of the merchant's rows (docs/scaling.md, lock order).
store::WorkLocks OrderLock(model::MerchantId merchant) { return store::WorkLocks{merchant, true, {}}; }

}  // namespace

Result<CreatedSubscription> CreateSubscription(store::Database& db, const Clock& clock,
                                               model::MerchantId merchant,
                                               const NewSubscription& request) {
  RESTOCK_RETURN_IF_ERROR(CheckCustomerId(request.customer_id));
  RESTOCK_RETURN_IF_ERROR(CheckQuantity(request.quantity));
  RESTOCK_RETURN_IF_ERROR(CheckFrequency(request.frequency));
  RESTOCK_RETURN_IF_ERROR(CheckSchedule(request.start, request.frequency, request.start.day));
  CreatedSubscription created;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto product, tx.products().Find(merchant, request.product_id));
    if (!product) return NotFoundError("no product '" + request.product_id + "' for this merchant");
    UnixMicros now = clock.NowMicros();
    model::Subscription sub;
    sub.merchant_id = merchant;
    sub.customer_id = request.customer_id;
    sub.product_id = request.product_id;
    sub.quantity = request.quantity;
    sub.frequency = request.frequency;
    sub.start = request.start;
    sub.created = sub.updated = now;
    RESTOCK_ASSIGN_OR_RETURN(created.subscription_id, tx.subscriptions().Create(sub));
    model::OrderItem item{created.subscription_id, sub.product_id, sub.quantity};
    RESTOCK_ASSIGN_OR_RETURN(created.order_id, AddToUpcomingOrder(tx, merchant, sub.customer_id,
                                                                  request.start, item, now));
    created.place_date = request.start;
    return Status::Ok();
  }, OrderLock(merchant)));
  return created;
}

Result<model::Subscription> UpdateSubscription(store::Database& db, const Clock& clock,
                                               model::MerchantId merchant, std::int64_t id,
                                               const SubscriptionChange& change) {
  if (change.quantity) RESTOCK_RETURN_IF_ERROR(CheckQuantity(*change.quantity));
  if (change.frequency) RESTOCK_RETURN_IF_ERROR(CheckFrequency(*change.frequency));
  model::Subscription result;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto found, tx.subscriptions().Find(merchant, id));
    if (!found) return NotFoundError("no subscription " + std::to_string(id));
    model::Subscription sub = *found;
    if (sub.status == model::SubscriptionStatus::kCancelled) {
      return FailedPreconditionError("subscription " + std::to_string(id) + " is cancelled");
    }
    UnixMicros now = clock.NowMicros();
    if (change.quantity) sub.quantity = *change.quantity;
    if (change.frequency) sub.frequency = *change.frequency;
    if (change.cancel) sub.status = model::SubscriptionStatus::kCancelled;
    sub.updated = now;
    RESTOCK_RETURN_IF_ERROR(tx.subscriptions().Update(sub));

    RESTOCK_ASSIGN_OR_RETURN(auto upcoming, tx.orders().FindUnsentWithSubscription(merchant, id));
    if (upcoming && change.frequency && !change.cancel) {
      // The new frequency applies from the upcoming order on: its successor must be a date
      // that can be stored.
      RESTOCK_RETURN_IF_ERROR(
          CheckSchedule(upcoming->place_date, sub.frequency, model::AnchorDay(sub)));
    }
    if (upcoming && (change.cancel || change.quantity)) {
      model::Order& order = *upcoming;
      const bool others = std::any_of(order.items.begin(), order.items.end(),
                                      [&](const model::OrderItem& i) { return i.subscription_id != id; });
      for (auto& item : order.items) {
        if (item.subscription_id == id) item.quantity = sub.quantity;
      }
      // The subscription's item leaves an order that ships other items; an order with no
      // other item is cancelled whole and keeps its items as the record of what was due.
      const bool cancel_order = change.cancel && !others;
      if (change.cancel && others) {
        std::erase_if(order.items, [&](const model::OrderItem& i) { return i.subscription_id == id; });
      }
      if (cancel_order) {
        order.status = model::OrderStatus::kCancelled;
        order.cancel_reason = "subscription_cancelled";
      }
      order.updated = now;
      RESTOCK_RETURN_IF_ERROR(tx.orders().Update(order, !cancel_order));
      if (cancel_order) {
        model::OrderEvent event{.merchant_id = merchant,
                                .order_id = order.id,
                                .type = model::OrderEventType::kCancelled,
                                .date = order.place_date,
                                .created = now};
        RESTOCK_RETURN_IF_ERROR(tx.order_events().Append(std::span(&event, 1)));
      }
    }
    result = sub;
    return Status::Ok();
  }, OrderLock(merchant)));
  return result;
}

Result<model::Subscription> GetSubscription(store::Database& db, model::MerchantId merchant,
                                            std::int64_t id) {
  std::optional<model::Subscription> found;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(found, tx.subscriptions().Find(merchant, id));
    return Status::Ok();
  }));
  if (!found) return NotFoundError("no subscription " + std::to_string(id));
  return *found;
}

Result<model::Order> GetOrder(store::Database& db, model::MerchantId merchant, std::int64_t id) {
  std::optional<model::Order> found;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(found, tx.orders().Find(merchant, id));
    return Status::Ok();
  }));
  if (!found) return NotFoundError("no order " + std::to_string(id));
  return *found;
}

Result<std::vector<model::Order>> ListOrders(store::Database& db, model::MerchantId merchant,
                                             const store::OrderFilter& filter,
                                             store::OrderPage page) {
  page.limit = std::clamp<std::size_t>(page.limit, 1, kMaxOrdersListed);
  std::vector<model::Order> orders;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(orders, tx.orders().List(merchant, filter, page));
    return Status::Ok();
  }));
  if (page.before_id) std::reverse(orders.begin(), orders.end());
  return orders;
}

Result<std::vector<model::OrderEvent>> ListOrderEvents(store::Database& db,
                                                       model::MerchantId merchant,
                                                       std::int64_t order_id) {
  std::vector<model::OrderEvent> events;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto order, tx.orders().Find(merchant, order_id));
    if (!order) return NotFoundError("no order " + std::to_string(order_id));
    RESTOCK_ASSIGN_OR_RETURN(events, tx.order_events().ListForOrder(merchant, order_id));
    return Status::Ok();
  }));
  return events;
}

namespace {

// Skipping one delivery keeps the subscriptions going: their next orders are scheduled as a
// run on `today` would schedule them after placing `order` (docs/placement.md, rule 4).
Status ScheduleAfterSkipped(store::Transaction& tx, const model::Order& order, CivilDate today,
                            UnixMicros now) {
  const model::MerchantId merchant = order.merchant_id;
  std::vector<model::OrderEvent> skipped;
  for (const model::OrderItem& item : order.items) {
    RESTOCK_ASSIGN_OR_RETURN(auto sub, tx.subscriptions().Find(merchant, item.subscription_id));
    if (!sub || sub->status != model::SubscriptionStatus::kActive) continue;
    model::ScheduleAdvance schedule = model::AdvancePast(
        order.place_date, sub->frequency, model::AnchorDay(*sub), today, kMaxRecordedSkips);
    for (CivilDate date : schedule.skipped_dates) {
      skipped.push_back(model::OrderEvent{.merchant_id = merchant,
                                          .order_id = order.id,
                                          .type = model::OrderEventType::kCycleSkipped,
                                          .date = today,
                                          .created = now,
                                          .subscription_id = sub->id,
                                          .product_id = sub->product_id,
                                          .quantity = sub->quantity,
                                          .cycle_date = date});
    }
    if (!schedule.next) continue;  // the schedule ends with the calendar
    model::OrderItem next{sub->id, sub->product_id, sub->quantity};
    RESTOCK_RETURN_IF_ERROR(
        AddToUpcomingOrder(tx, merchant, order.customer_id, *schedule.next, next, now).status());
  }
  if (skipped.empty()) return Status::Ok();
  return tx.order_events().Append(skipped);
}

}  // namespace

Result<model::Order> CancelOrder(store::Database& db, const Clock& clock,
                                 model::MerchantId merchant, std::int64_t id, CivilDate today) {
  model::Order result;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto found, tx.orders().Find(merchant, id));
    if (!found) return NotFoundError("no order " + std::to_string(id));
    model::Order order = *found;
    if (order.status != model::OrderStatus::kUnsent &&
        order.status != model::OrderStatus::kOutOfStock) {
      return FailedPreconditionError("order " + std::to_string(id) + " is " +
                                     std::string(model::OrderStatusName(order.status)) +
                                     " and can no longer be cancelled");
    }
    UnixMicros now = clock.NowMicros();
    if (order.status == model::OrderStatus::kUnsent) {
      RESTOCK_RETURN_IF_ERROR(ScheduleAfterSkipped(tx, order, today, now));
    }
    order.status = model::OrderStatus::kCancelled;
    order.cancel_reason = "merchant";
    order.updated = now;
    RESTOCK_RETURN_IF_ERROR(tx.orders().Update(order, false));
    model::OrderEvent event{.merchant_id = merchant,
                            .order_id = order.id,
                            .type = model::OrderEventType::kCancelled,
                            .date = order.place_date,
                            .created = now};
    RESTOCK_RETURN_IF_ERROR(tx.order_events().Append(std::span(&event, 1)));
    result = order;
    return Status::Ok();
  }, OrderLock(merchant)));
  return result;
}

}  // namespace restock::placement
