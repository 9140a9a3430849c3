#include "webhooks/outbox_writer.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
    // The webhook events, in input order, then one sequence number each.
    std::vector<std::pair<std::size_t, model::WebhookEventType>> out;
    for (std::size_t i = 0; i < run.size(); ++i) {
      std::optional<std::int64_t> threshold =
          products[i] ? products[i]->low_stock_threshold : std::optional<std::int64_t>();
      for (model::WebhookEventType type : StockEventTypes(run[i], threshold)) {
        if (AnySubscribed(*endpoints, type)) out.emplace_back(i, type);
      }
    }
    if (out.empty()) continue;
    RESTOCK_ASSIGN_OR_RETURN(
        std::int64_t sequence,
        tx_.webhook_outbox().ReserveSequences(merchant, static_cast<std::int64_t>(out.size())));
    for (const auto& [i, type] : out) {
      const model::Product* product = products[i] ? &*products[i] : nullptr;
      const std::string id = NewEventId();
      Add(*endpoints, type, id, RenderStockEvent(id, sequence++, type, run[i], product),
          deliveries);
    }
  }
  return Flush(deliveries);
}

Status OutboxWriter::OnOrderEvents(std::span<const model::OrderEvent> events) {
  // The webhook events first (with the order as saved), then one sequence number each,
  // taken per merchant in input order.
  struct Out {
    const model::OrderEvent* event;
    model::WebhookEventType type;
    const std::vector<model::WebhookEndpoint>* endpoints;
    model::Order order;
  };
  std::vector<Out> out;
  std::map<model::MerchantId, std::int64_t> counts;
  for (const model::OrderEvent& e : events) {
    RESTOCK_ASSIGN_OR_RETURN(const auto* endpoints, Endpoints(e.merchant_id));
    const std::optional<model::WebhookEventType> type = OrderEventType(e.type);
    if (!type || !AnySubscribed(*endpoints, *type)) continue;
    RESTOCK_ASSIGN_OR_RETURN(auto order, tx_.orders().Find(e.merchant_id, e.order_id));
    if (!order) return InternalError("order event names an order that does not exist");
    out.push_back(Out{&e, *type, endpoints, std::move(*order)});
    ++counts[e.merchant_id];
  }
  std::map<model::MerchantId, std::int64_t> next;
  for (const auto& [merchant, count] : counts) {
    RESTOCK_ASSIGN_OR_RETURN(next[merchant],
                             tx_.webhook_outbox().ReserveSequences(merchant, count));
  }
  std::vector<model::WebhookDelivery> deliveries;
  for (const Out& o : out) {
    const std::string id = NewEventId();
    const std::int64_t sequence = next[o.event->merchant_id]++;
    Add(*o.endpoints, o.type, id, RenderOrderEvent(id, sequence, *o.event, o.order), deliveries);
  }
  return Flush(deliveries);
}

}  // namespace restock::webhooks
