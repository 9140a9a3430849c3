#include "webhooks/events.h"

#include <boost/json/serialize.hpp>

#include "core/crypto.h"
#include "core/time_format.h"
#include "json/model_json.h"

namespace restock::webhooks {
namespace {

boost::json::value OptionalInt(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

}  // namespace

bool CrossesLowStock(const model::StockState& previous, const model::StockState& current,
                     const std::optional<std::int64_t>& threshold) {
  if (!threshold || !current.inventory || *current.inventory > *threshold) return false;
  return !previous.inventory || *previous.inventory > *threshold;
}

std::vector<model::WebhookEventType> StockEventTypes(const model::StockEvent& event,
                                                     const std::optional<std::int64_t>& threshold) {
  std::vector<model::WebhookEventType> types{model::WebhookEventType::kStockChanged};
  if (CrossesLowStock(event.previous, event.current, threshold)) {
    types.push_back(model::WebhookEventType::kLowStock);
  }
  return types;
}

std::optional<model::WebhookEventType> OrderEventType(model::OrderEventType type) {
  switch (type) {
    case model::OrderEventType::kPlaced:
      return model::WebhookEventType::kOrderPlaced;
    case model::OrderEventType::kOutOfStock:
      return model::WebhookEventType::kOrderOutOfStock;
    case model::OrderEventType::kOosNotice:
      return model::WebhookEventType::kOrderOosNotice;
    case model::OrderEventType::kCancelled:
      return model::WebhookEventType::kOrderCancelled;
    case model::OrderEventType::kRejected:
      return model::WebhookEventType::kOrderRejected;
    case model::OrderEventType::kOosPredicted:
      return model::WebhookEventType::kOrderOosPredicted;
    case model::OrderEventType::kCycleSkipped:
    case model::OrderEventType::kItemSkipped:
    case model::OrderEventType::kOversold:
      return std::nullopt;  // kept in the order's history only
  }
  return std::nullopt;
}

std::string NewEventId() { return "evt_" + RandomToken(16); }

std::string Number(const UnnumberedEvent& event, std::int64_t sequence) {
  boost::json::object o;
  o["id"] = event.id;
  o["sequence"] = sequence;
  o["type"] = std::string(model::WebhookEventTypeName(event.type));
  o["created"] = FormatIsoUtcMillis(event.created);
  o["data"] = event.data;
  return boost::json::serialize(o);
}

UnnumberedEvent StockEventBody(std::string id, model::WebhookEventType type,
                               const model::StockEvent& e, const model::Product* product,
                               const catalog::HeldStock& held) {
  boost::json::object data;
  data["product_id"] = e.product_id;
  data["sku"] = product ? product->sku : std::string();
  data["name"] = product ? product->name : std::string();
  data["live"] = e.current.live;
  data["previous_live"] = e.previous.live;
  data["discontinued"] = e.current.discontinued;
  data["previous_discontinued"] = e.previous.discontinued;
  data["inventory"] = OptionalInt(e.current.inventory);
  data["previous_inventory"] = OptionalInt(e.previous.inventory);
  data["low_stock_threshold"] =
      OptionalInt(product ? product->low_stock_threshold : std::optional<std::int64_t>());
  json::AddHeldStock(data, held);
  data["source"] = std::string(model::StockSourceName(e.source));
  data["changed"] = FormatIsoUtcMillis(e.created);
  return UnnumberedEvent{std::move(id), type, e.created, std::move(data)};
}

UnnumberedEvent OrderEventBody(std::string id, const model::OrderEvent& e,
                               const model::Order& order) {
  boost::json::object data;
  data["order"] = json::OrderToJson(order);
  data["date"] = FormatDate(e.date);
  if (e.type == model::OrderEventType::kOosNotice) data["day_in_flow"] = e.day_in_flow;
  if (e.type == model::OrderEventType::kOosPredicted) {
    data["product_id"] = e.product_id;
    data["shortfall"] = e.quantity;
  }
  return UnnumberedEvent{std::move(id),
                         OrderEventType(e.type).value_or(model::WebhookEventType::kOrderPlaced),
                         e.created, std::move(data)};
}

}  // namespace restock::webhooks
