// restock::model — webhook endpoints, the deliveries of the transactional outbox and the
// log of delivery attempts (docs/webhooks.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "model/ids.h"

namespace restock::model {

enum class WebhookEventType {
  kStockChanged,     // product.stock_changed
  kLowStock,         // product.low_stock
  kOrderPlaced,      // order.placed
  kOrderOutOfStock,  // order.out_of_stock
  kOrderOosNotice,   // order.oos_notice
  kOrderCancelled,   // order.cancelled
  kOrderRejected,    // order.rejected (docs/handoff.md)
  kOrderOosPredicted,  // order.oos_predicted (docs/placement.md, "Held stock")
};

// Every event type, in the order above.
std::span<const WebhookEventType> AllWebhookEventTypes();
// "product.stock_changed", "product.low_stock", "order.placed", ...
std::string_view WebhookEventTypeName(WebhookEventType t);
// Inverse of WebhookEventTypeName; nullopt for anything else.
std::optional<WebhookEventType> ParseWebhookEventType(std::string_view name);

// A merchant's receiver URL and the event types it subscribes to.
struct WebhookEndpoint {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::string url;
  std::vector<WebhookEventType> events;  // distinct, non-empty
  std::string secret;                    // signs every delivery
  // During a key rotation the replaced secret keeps signing (as a second sig=) until
  // previous_secret_expires; empty when there is none.
  std::string previous_secret;
  UnixMicros previous_secret_expires = 0;
  bool enabled = true;
  UnixMicros created = 0;
  UnixMicros updated = 0;

  bool Subscribes(WebhookEventType t) const;
  bool operator==(const WebhookEndpoint&) const = default;
};

enum class DeliveryStatus { kPending, kDelivered, kFailed };
// "pending", "delivered", "failed".
std::string_view DeliveryStatusName(DeliveryStatus s);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name);

// One event for one endpoint: a row of the outbox. The body is rendered when the event is
// written, so every attempt (and a replay) sends exactly the same bytes.
struct WebhookDelivery {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::int64_t endpoint_id = 0;
  std::string event_id;  // the body's "id"; shared by the event's deliveries to every endpoint
  WebhookEventType type = WebhookEventType::kStockChanged;
  std::string body;  // the JSON document POSTed
  UnixMicros created = 0;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;                     // attempts started so far (claimed)
  UnixMicros next_attempt_at = 0;       // pending: due time, or the end of a claim's lease
  std::optional<UnixMicros> completed;  // when it became delivered or failed

  bool operator==(const WebhookDelivery&) const = default;
};

enum class AttemptOutcome { kDelivered, kRetry, kFailed };
// "delivered", "retry", "failed".
std::string_view AttemptOutcomeName(AttemptOutcome o);
std::optional<AttemptOutcome> ParseAttemptOutcome(std::string_view name);

// One POST of a delivery: the delivery log.
struct DeliveryAttempt {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::int64_t endpoint_id = 0;
  std::int64_t delivery_id = 0;
  std::string event_id;
  WebhookEventType type = WebhookEventType::kStockChanged;
  int attempt = 1;  // 1-based
  UnixMicros started = 0;
  std::int64_t duration_micros = 0;
  std::optional<int> status_code;  // the receiver's HTTP status; nullopt when none came back
  std::string error;               // transport error or a short reason; empty on 2xx
  AttemptOutcome outcome = AttemptOutcome::kRetry;

  bool operator==(const DeliveryAttempt&) const = default;
};

}  // namespace restock::model
