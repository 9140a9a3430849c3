// restock::webhooks — writes the outbox rows for stock and order events inside one unit of
// work (used by OutboxDatabase; see outbox_database.h). Endpoints are read once per
// merchant per unit of work; with no subscribed endpoint nothing else is read or written.
// Not thread-safe; lives inside one unit of work and borrows its Transaction.
#pragma once

#include <map>
#include <span>
#include <vector>

#include "core/clock.h"
#include "model/order.h"
#include "model/stock_event.h"
#include "model/webhook.h"
#include "store/database.h"

namespace restock::webhooks {

class OutboxWriter {
 public:
  // `tx` is the unit of work's own (undecorated) transaction.
  OutboxWriter(store::Transaction& tx, UnixMicros now) : tx_(tx), now_(now) {}

  // Enqueues product.stock_changed (and product.low_stock on a crossing) for `events`.
  // REQUIRES: the products are already saved in their new state (their threshold is read).
  Status OnStockEvents(std::span<const model::StockEvent> events);
  // Enqueues the order.* event of each of `events`, rendering the order as saved.
  Status OnOrderEvents(std::span<const model::OrderEvent> events);

  // Outbox rows written so far.
  std::size_t enqueued() const { return enqueued_; }

 private:
  // The merchant's enabled endpoints (cached).
  Result<const std::vector<model::WebhookEndpoint>*> Endpoints(model::MerchantId merchant);
  // Adds one delivery of `body` per endpoint of `endpoints` subscribed to `type`.
  void Add(const std::vector<model::WebhookEndpoint>& endpoints, model::WebhookEventType type,
           const std::string& event_id, const std::string& body,
           std::vector<model::WebhookDelivery>& out) const;
  Status Flush(std::vector<model::WebhookDelivery>& deliveries);

  store::Transaction& tx_;
  UnixMicros now_;
  std::map<model::MerchantId, std::vector<model::WebhookEndpoint>> endpoints_;
  std::size_t enqueued_ = 0;
};

// True when one of `endpoints` is enabled and subscribes to `type`.
bool AnySubscribed(const std::vector<model::WebhookEndpoint>& endpoints,
                   model::WebhookEventType type);

}  // namespace restock::webhooks
