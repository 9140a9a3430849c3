#include "model/webhook.h"

#include <algorithm>
#include <array>

namespace restock::model {
namespace {

constexpr std::array kEventTypes = {
    WebhookEventType::kStockChanged,   WebhookEventType::kLowStock,
    WebhookEventType::kOrderPlaced,    WebhookEventType::kOrderOutOfStock,
    WebhookEventType::kOrderOosNotice, WebhookEventType::kOrderCancelled,
    WebhookEventType::kOrderRejected,  WebhookEventType::kOrderOosPredicted,
};

}  // namespace

std::span<const WebhookEventType> AllWebhookEventTypes() { return kEventTypes; }

std::string_view WebhookEventTypeName(WebhookEventType t) {
  switch (t) {
    case WebhookEventType::kStockChanged:
      return "product.stock_changed";
    case WebhookEventType::kLowStock:
      return "product.low_stock";
    case WebhookEventType::kOrderPlaced:
      return "order.placed";
    case WebhookEventType::kOrderOutOfStock:
      return "order.out_of_stock";
    case WebhookEventType::kOrderOosNotice:
      return "order.oos_notice";
    case WebhookEventType::kOrderCancelled:
      return "order.cancelled";
    case WebhookEventType::kOrderRejected:
      return "order.rejected";
    case WebhookEventType::kOrderOosPredicted:
      return "order.oos_predicted";
  }
  return "product.stock_changed";
}

std::optional<WebhookEventType> ParseWebhookEventType(std::string_view name) {
  for (WebhookEventType t : kEventTypes) {
    if (WebhookEventTypeName(t) == name) return t;
  }
  return std::nullopt;
}

bool WebhookEndpoint::Subscribes(WebhookEventType t) const {
  return std::find(events.begin(), events.end(), t) != events.end();
}

std::string_view DeliveryStatusName(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::kPending:
      return "pending";
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name) {
  for (DeliveryStatus s :
       {DeliveryStatus::kPending, DeliveryStatus::kDelivered, DeliveryStatus::kFailed}) {
    if (DeliveryStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view AttemptOutcomeName(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::kDelivered:
      return "delivered";
    case AttemptOutcome::kRetry:
      return "retry";
    case AttemptOutcome::kFailed:
      return "failed";
  }
  return "retry";
}

std::optional<AttemptOutcome> ParseAttemptOutcome(std::string_view name) {
  for (AttemptOutcome o :
       {AttemptOutcome::kDelivered, AttemptOutcome::kRetry, AttemptOutcome::kFailed}) {
    if (AttemptOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

}  // namespace restock::model
