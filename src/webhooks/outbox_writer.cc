#include "webhooks/outbox_writer.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>


namespace restock::webhooks {

bool AnySubscribed(const std::vector<model::WebhookEndpoint>& endpoints,
                   model::WebhookEventType type) {
  for (const auto& e : endpoints) {
    if (e.enabled && e.Subscribes(type)) return true;
  }
  return false;
}

Result<const std::vector<model::WebhookEndpoint>*> OutboxWriter::Endpoints(
    model::MerchantId merchant) {
  auto it = endpoints_.find(merchant);
  if (it == endpoints_.end()) {
    RESTOCK_ASSIGN_OR_RETURN(auto all, tx_.webhook_endpoints().ListForMerchant(merchant));
    std::vector<model::WebhookEndpoint> enabled;
    for (auto& e : all) {
      if (e.enabled) enabled.push_back(std::move(e));
    }
    it = endpoints_.emplace(merchant, std::move(enabled)).first;
  }
  return &it->second;
}

void OutboxWriter::Add(model::MerchantId merchant,
                       const std::vector<model::WebhookEndpoint>& endpoints,
                       UnnumberedEvent event) {
  MerchantEvents& m = pending_[merchant];
  for (const auto& e : endpoints) {
    if (!e.Subscribes(event.type)) continue;
    model::WebhookDelivery d;
    d.merchant_id = e.merchant_id;
    d.endpoint_id = e.id;
    d.event_id = event.id;
    d.type = event.type;
    d.created = now_;
    d.status = model::DeliveryStatus::kPending;
    d.next_attempt_at = now_;
    m.deliveries.push_back(std::move(d));
    m.event_of.push_back(m.events.size());
  }
  m.events.push_back(std::move(event));
}

Status OutboxWriter::OnStockEvents(std::span<const model::StockEvent> events) {
  std::size_t begin = 0;
  // Events arrive grouped by merchant in practice (one batch = one merchant); handle any
  // order by taking runs of the same merchant.
  while (begin < events.size()) {
    model::MerchantId merchant = events[begin].merchant_id;
    std::size_t end = begin;
    while (end < events.size() && events[end].merchant_id == merchant) ++end;
    std::span<const model::StockEvent> run = events.subspan(begin, end - begin);
    begin = end;

    RESTOCK_ASSIGN_OR_RETURN(const auto* endpoints, Endpoints(merchant));
    if (!AnySubscribed(*endpoints, model::WebhookEventType::kStockChanged) &&
        !AnySubscribed(*endpoints, model::WebhookEventType::kLowStock)) {
      continue;
    }
    std::vector<std::string_view> ids;
    ids.reserve(run.size());
    for (const auto& e : run) ids.push_back(e.product_id);
    RESTOCK_ASSIGN_OR_RETURN(auto products, tx_.products().FindMany(merchant, ids));
    std::vector<catalog::HeldStock> held(run.size());
    if (AnySubscribed(*endpoints, model::WebhookEventType::kStockChanged)) {
      std::vector<catalog::StockLevel> levels;
      levels.reserve(run.size());
      for (const auto& e : run) levels.push_back({e.product_id, e.current.inventory});
      RESTOCK_ASSIGN_OR_RETURN(held, catalog::ReadHeldStock(tx_, merchant, levels, today_));
    }
    for (std::size_t i = 0; i < run.size(); ++i) {
      const model::Product* product = products[i] ? &*products[i] : nullptr;
      std::optional<std::int64_t> threshold =
          product ? product->low_stock_threshold : std::optional<std::int64_t>();
      for (model::WebhookEventType type : StockEventTypes(run[i], threshold)) {
        if (!AnySubscribed(*endpoints, type)) continue;
        Add(merchant, *endpoints, StockEventBody(NewEventId(), type, run[i], product, held[i]));
      }
    }
  }
  return Status::Ok();
}

Status OutboxWriter::OnOrderEvents(std::span<const model::OrderEvent> events) {
  for (const model::OrderEvent& e : events) {
    RESTOCK_ASSIGN_OR_RETURN(const auto* endpoints, Endpoints(e.merchant_id));
    const std::optional<model::WebhookEventType> type = OrderEventType(e.type);
    if (!type || !AnySubscribed(*endpoints, *type)) continue;
    RESTOCK_ASSIGN_OR_RETURN(auto order, tx_.orders().Find(e.merchant_id, e.order_id));
    if (!order) return InternalError("order event names an order that does not exist");
    Add(e.merchant_id, *endpoints, OrderEventBody(NewEventId(), e, *order));
  }
  return Status::Ok();
}

Status OutboxWriter::Finish() {
  for (auto& [merchant_key, pending] : pending_) {
    if (pending.events.empty()) continue;
    enqueued_ += pending.deliveries.size();
    auto m = std::make_shared<MerchantEvents>(std::move(pending));
    const model::MerchantId merchant = merchant_key;  // clang 14 cannot capture a binding
    RESTOCK_RETURN_IF_ERROR(
        tx_.AtCommit(merchant, [merchant, m](store::Transaction& tx) -> Status {
          const auto count = static_cast<std::int64_t>(m->events.size());
          RESTOCK_ASSIGN_OR_RETURN(std::int64_t first,
                                   tx.webhook_outbox().ReserveSequences(merchant, count));
          std::vector<std::string> bodies;
          bodies.reserve(m->events.size());
          for (const UnnumberedEvent& e : m->events) {
            bodies.push_back(Number(e, first + static_cast<std::int64_t>(bodies.size())));
          }
          for (std::size_t k = 0; k < m->deliveries.size(); ++k) {
            m->deliveries[k].body = bodies[m->event_of[k]];
          }
          // The step runs once per commit attempt; the rows are the same each time.
          return tx.webhook_outbox().Enqueue(m->deliveries);
        }));
  }
  pending_.clear();
  return Status::Ok();
}

}  // namespace restock::webhooks
