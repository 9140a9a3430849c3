#include "webhooks/outbox_writer.h"

#include <string>
#include <string_view>

#include "webhooks/events.h"

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

void OutboxWriter::Add(const std::vector<model::WebhookEndpoint>& endpoints,
                       model::WebhookEventType type, const std::string& event_id,
                       const std::string& body, std::vector<model::WebhookDelivery>& out) const {
  for (const auto& e : endpoints) {
    if (!e.Subscribes(type)) continue;
    model::WebhookDelivery d;
    d.merchant_id = e.merchant_id;
    d.endpoint_id = e.id;
    d.event_id = event_id;
    d.type = type;
    d.body = body;
    d.created = now_;
    d.status = model::DeliveryStatus::kPending;
    d.next_attempt_at = now_;
    out.push_back(std::move(d));
  }
}

Status OutboxWriter::Flush(std::vector<model::WebhookDelivery>& deliveries) {
  if (deliveries.empty()) return Status::Ok();
  RESTOCK_RETURN_IF_ERROR(tx_.webhook_outbox().Enqueue(deliveries));
  enqueued_ += deliveries.size();
  return Status::Ok();
}

Status OutboxWriter::OnStockEvents(std::span<const model::StockEvent> events) {
  std::vector<model::WebhookDelivery> deliveries;
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
    for (std::size_t i = 0; i < run.size(); ++i) {
      const model::Product* product = products[i] ? &*products[i] : nullptr;
      std::optional<std::int64_t> threshold =
          product ? product->low_stock_threshold : std::optional<std::int64_t>();
      for (model::WebhookEventType type : StockEventTypes(run[i], threshold)) {
        if (!AnySubscribed(*endpoints, type)) continue;
        const std::string id = NewEventId();
        Add(*endpoints, type, id, RenderStockEvent(id, type, run[i], product), deliveries);
      }
    }
  }
  return Flush(deliveries);
}

Status OutboxWriter::OnOrderEvents(std::span<const model::OrderEvent> events) {
  std::vector<model::WebhookDelivery> deliveries;
  for (const model::OrderEvent& e : events) {
    RESTOCK_ASSIGN_OR_RETURN(const auto* endpoints, Endpoints(e.merchant_id));
    const std::optional<model::WebhookEventType> type = OrderEventType(e.type);
    if (!type || !AnySubscribed(*endpoints, *type)) continue;
    RESTOCK_ASSIGN_OR_RETURN(auto order, tx_.orders().Find(e.merchant_id, e.order_id));
    if (!order) return InternalError("order event names an order that does not exist");
    const std::string id = NewEventId();
    Add(*endpoints, *type, id, RenderOrderEvent(id, e, *order), deliveries);
  }
  return Flush(deliveries);
}

}  // namespace restock::webhooks
