#include "handoff/outcomes.h"

#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "model/stock_event.h"

namespace restock::handoff {
namespace {

using model::Order;
using model::OrderEventType;
using model::OrderStatus;

Status Emit(store::Transaction& tx, const Order& order, OrderEventType type, CivilDate day,
            UnixMicros now) {
  model::OrderEvent event{.merchant_id = order.merchant_id,
                          .order_id = order.id,
                          .type = type,
                          .date = day,
                          .created = now};
  return tx.order_events().Append(std::span(&event, 1));
}

Status SaveOrder(store::Transaction& tx, Order& order, bool items_changed, UnixMicros now) {
  order.updated = now;
  RESTOCK_RETURN_IF_ERROR(tx.orders().Update(order, items_changed));
  return tx.handoff().SaveOutcome(order);
}

// Products the platform says are out of stock become live:false (stock events, source
// placement), so no later decision ships them until they come back.
Status MarkOutOfStock(store::Transaction& tx, model::MerchantId merchant,
                      const std::vector<std::string_view>& ids, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(auto products, tx.products().FindMany(merchant, ids));
  std::vector<model::Product> changed;
  std::vector<model::StockEvent> events;
  for (auto& p : products) {
    if (!p || !p->live) continue;
    model::StockState before{p->live, p->discontinued, p->inventory};
    p->live = false;
    p->last_update = now;
    model::StockState after{p->live, p->discontinued, p->inventory};
    events.push_back(model::StockEvent{0, merchant, p->product_id, before, after,
                                       model::StockSource::kPlacement, now});
    changed.push_back(std::move(*p));
  }
  // Events before the updates: the store's write order (store::StockEventRepo::Append).
  if (!events.empty()) RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(events));
  if (!changed.empty()) RESTOCK_RETURN_IF_ERROR(tx.products().Update(merchant, changed));
  return Status::Ok();
}

// The subscriptions of `items`, by id.
Result<std::unordered_map<std::int64_t, model::Subscription>> SubscriptionsOf(
    store::Transaction& tx, model::MerchantId merchant, const std::vector<model::OrderItem>& items) {
  std::vector<std::int64_t> ids;
  for (const auto& item : items) ids.push_back(item.subscription_id);
  RESTOCK_ASSIGN_OR_RETURN(auto found, tx.subscriptions().FindMany(merchant, ids));
  std::unordered_map<std::int64_t, model::Subscription> out;
  for (auto& s : found) {
    if (s) out.emplace(s->id, std::move(*s));
  }
  return out;
}

// 999 with outOfStock: the named items move into the flow at once; the rest is re-sent in
// this run under the next sequence. nullopt when the answer names none of the order's items
// (the answer is then a plain 999).
Result<std::optional<Disposition>> SplitOutOfStock(store::Transaction& tx,
                                                   const OutcomeContext& c, Order& order,
                                                   const model::HandoffRequest& request,
                                                   const std::vector<std::string>& named) {
  std::set<std::string, std::less<>> names(named.begin(), named.end());
  std::vector<model::OrderItem> gone, rest;
  for (auto& item : order.items) (names.count(item.product_id) ? gone : rest).push_back(item);
  if (gone.empty()) return std::optional<Disposition>();
  std::vector<std::string_view> ids;
  for (const auto& item : gone) ids.push_back(item.product_id);
  RESTOCK_RETURN_IF_ERROR(MarkOutOfStock(tx, c.merchant.id, ids, c.now));
  RESTOCK_ASSIGN_OR_RETURN(auto subscriptions, SubscriptionsOf(tx, c.merchant.id, gone));
  Order waiting = order;
  waiting.items = std::move(gone);
  waiting.status = OrderStatus::kOutOfStock;
  waiting.oos_since = c.day;
  waiting.oos_expires = placement::OosExpiry(waiting, subscriptions, c.flow.max_days);
  if (rest.empty()) {
    order = std::move(waiting);
    RESTOCK_RETURN_IF_ERROR(SaveOrder(tx, order, false, c.now));
    RESTOCK_RETURN_IF_ERROR(Emit(tx, order, OrderEventType::kOutOfStock, c.day, c.now));
    return std::optional<Disposition>(Disposition::kOutOfStock);
  }
  waiting.id = 0;
  waiting.created = waiting.updated = c.now;
  waiting.error_code.clear();
  waiting.error_message.clear();
  waiting.placement_attempts = 0;
  RESTOCK_ASSIGN_OR_RETURN(waiting.id, tx.orders().Insert(waiting));
  RESTOCK_RETURN_IF_ERROR(Emit(tx, waiting, OrderEventType::kOutOfStock, c.day, c.now));
  order.items = std::move(rest);
  RESTOCK_RETURN_IF_ERROR(SaveOrder(tx, order, true, c.now));
  RESTOCK_ASSIGN_OR_RETURN(int last, tx.handoff().LastSequence(c.merchant.id, order.id));
  model::HandoffRequest again = request;
  again.id = 0;
  again.sequence = last + 1;
  again.retries = 0;
  again.created = c.now;
  RESTOCK_RETURN_IF_ERROR(tx.handoff().Enqueue(std::span(&again, 1)));
  return std::optional<Disposition>(Disposition::kResent);
}

// Whether `answer` asks for another attempt at a later run: 140, 999 without named items
// and no answer.
bool IsRetry(const Answer& answer) {
  return answer.kind == AnswerKind::kNoAnswer ||
         (answer.kind == AnswerKind::kError &&
          (answer.error_code == "140" ||
           (answer.error_code == "999" && answer.out_of_stock.empty())));
}

// The request's retry count after `answer`; nullopt when the retry limit is reached (the
// order is then rejected). REQUIRES: IsRetry(answer).
std::optional<int> RetriesAfter(const OutcomeContext& c, const model::HandoffRequest& request,
                                const Answer& answer) {
  if (answer.kind == AnswerKind::kNoAnswer) {
    if (DaysFromCivil(c.day) > DaysFromCivil(request.give_up_on)) return std::nullopt;
    return request.retries;
  }
  if (request.retries + 1 > c.target.max_retries) return std::nullopt;
  return request.retries + 1;
}

// 140, 999 and no answer (the claim already ended, waiting for the next run when `again`).
Status RetryLater(store::Transaction& tx, const OutcomeContext& c, Order& order, bool again,
                  const Answer& answer) {
  if (!again) {
    if (answer.kind == AnswerKind::kNoAnswer) {
      return Reject(tx, order, "no_connection", answer.reason, c.day, c.now);
    }
    return Reject(tx, order, answer.error_code, answer.error_message, c.day, c.now);
  }
  if (answer.kind == AnswerKind::kError) {
    order.error_code = answer.error_code;
    order.error_message = answer.error_message;
  }
  return SaveOrder(tx, order, false, c.now);
}

Result<Disposition> Apply(store::Transaction& tx, const OutcomeContext& c, Order& order,
                          const model::HandoffRequest& request, bool again,
                          const Answer& answer) {
  switch (answer.kind) {
    case AnswerKind::kSuccess:
      RESTOCK_RETURN_IF_ERROR(Place(tx, order, answer.order_id, c.day, c.now));
      return Disposition::kPlaced;
    case AnswerKind::kProcessing:
      RESTOCK_RETURN_IF_ERROR(SaveOrder(tx, order, false, c.now));
      return Disposition::kPending;
    case AnswerKind::kUnreadable:
      RESTOCK_RETURN_IF_ERROR(
          Reject(tx, order, "response_processing", answer.reason, c.day, c.now));
      return Disposition::kRejected;
    case AnswerKind::kNoAnswer:
      RESTOCK_RETURN_IF_ERROR(RetryLater(tx, c, order, again, answer));
      return again ? Disposition::kPending : Disposition::kRejected;
    case AnswerKind::kError:
      break;
  }
  if (answer.error_code == "999" && !answer.out_of_stock.empty()) {
    RESTOCK_ASSIGN_OR_RETURN(auto split, SplitOutOfStock(tx, c, order, request,
                                                         answer.out_of_stock));
    if (split) return *split;
  }
  if (IsRetry(answer)) {
    RESTOCK_RETURN_IF_ERROR(RetryLater(tx, c, order, again, answer));
    return again ? Disposition::kPending : Disposition::kRejected;
  }
  RESTOCK_RETURN_IF_ERROR(
      Reject(tx, order, answer.error_code, answer.error_message, c.day, c.now));
  return Disposition::kRejected;
}

}  // namespace

Status Reject(store::Transaction& tx, Order& order, std::string code, std::string message,
              CivilDate day, UnixMicros now) {
  order.status = OrderStatus::kRejected;
  order.error_code = std::move(code);
  order.error_message = std::move(message);
  RESTOCK_RETURN_IF_ERROR(SaveOrder(tx, order, false, now));
  return Emit(tx, order, OrderEventType::kRejected, day, now);
}

Status Place(store::Transaction& tx, Order& order, std::string merchant_order_id, CivilDate day,
             UnixMicros now) {
  order.status = OrderStatus::kPlaced;
  order.placed_on = day;
  order.merchant_order_id = std::move(merchant_order_id);
  order.error_code.clear();
  order.error_message.clear();
  RESTOCK_RETURN_IF_ERROR(SaveOrder(tx, order, false, now));
  return Emit(tx, order, OrderEventType::kPlaced, day, now);
}

Result<Recorded> RecordAnswer(store::Transaction& tx, const OutcomeContext& context,
                              const model::HandoffRequest& request, std::string_view token,
                              const Answer& answer) {
  Recorded out;
  RESTOCK_ASSIGN_OR_RETURN(auto order, tx.orders().Find(context.merchant.id, request.order_id));
  const bool pending = order && order->status == OrderStatus::kPending;
  // The claim ends first, so a claim that ran out (someone else has the request) writes
  // nothing: a retry waits for the next run, every other answer closes the request.
  std::optional<int> retries;
  if (pending && IsRetry(answer)) retries = RetriesAfter(context, request, answer);
  bool held = false;
  if (retries) {
    RESTOCK_ASSIGN_OR_RETURN(held, tx.handoff().Defer(request.id, token, *retries));
  } else {
    RESTOCK_ASSIGN_OR_RETURN(held, tx.handoff().Complete(request.id, token, context.now));
  }
  if (!held) {
    out.disposition = Disposition::kLostClaim;
    return out;
  }
  if (!pending) {
    out.disposition = Disposition::kNotPending;
    return out;
  }
  out.order = std::move(*order);
  ++out.order.placement_attempts;
  RESTOCK_ASSIGN_OR_RETURN(out.disposition,
                           Apply(tx, context, out.order, request, retries.has_value(), answer));
  return out;
}

}  // namespace restock::handoff
