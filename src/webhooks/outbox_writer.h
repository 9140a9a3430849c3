// restock::webhooks — writes the outbox rows for stock and order events inside one unit of
// work (used by OutboxDatabase; see outbox_database.h). Endpoints are read once per
// merchant per unit of work; with no subscribed endpoint nothing else is read or written.
// Not thread-safe; lives inside one unit of work and borrows its Transaction.
#pragma once

#include <map>
#include <span>
#include <vector>

#include "catalog/held_stock.h"
#include "core/clock.h"
#include "model/order.h"
#include "model/stock_event.h"
#include "model/webhook.h"
#include "store/database.h"
#include "webhooks/events.h"

namespace restock::webhooks {

class OutboxWriter {
 public:
  // `tx` is the unit of work's own (undecorated) transaction; `today` gives the merchants'
  // local days for the held stock of product events (borrowed: it must outlive the writer).
  OutboxWriter(store::Transaction& tx, UnixMicros now, const catalog::MerchantToday& today)
      : tx_(tx), now_(now), today_(today) {}

  // Renders product.stock_changed (and product.low_stock on a crossing) for `events`; the
  // stock_changed bodies carry the held stock as the unit of work sees it.
  // REQUIRES: the products are already saved in their new state (their threshold is read).
  Status OnStockEvents(std::span<const model::StockEvent> events);
  // Renders the order.* event of each of `events`, with the order as saved.
  Status OnOrderEvents(std::span<const model::OrderEvent> events);
  // Hands what was rendered to the transaction's last writes (Transaction::AtCommit), one
  // step per merchant keyed by its id: the step takes the merchant's next sequence numbers
  // (in render order) and writes the outbox rows. Numbers are taken last because the
  // counter row is locked until the commit: taken in the works' order, two nodes' group
  // commits could lock two merchants' counters in opposite orders (docs/scaling.md, "Lock
  // order"). REQUIRES: called once, after the last On*Events.
  Status Finish();

  // Outbox rows written (or handed to the transaction) so far.
  std::size_t enqueued() const { return enqueued_; }

 private:
  // One merchant's rendered events and their deliveries (bodies still empty).
  struct MerchantEvents {
    std::vector<UnnumberedEvent> events;
    std::vector<model::WebhookDelivery> deliveries;
    std::vector<std::size_t> event_of;  // deliveries[k] carries events[event_of[k]]
  };

  // The merchant's enabled endpoints (cached).
  Result<const std::vector<model::WebhookEndpoint>*> Endpoints(model::MerchantId merchant);
  // Adds `event` and one delivery per endpoint of `endpoints` subscribed to its type.
  void Add(model::MerchantId merchant, const std::vector<model::WebhookEndpoint>& endpoints,
           UnnumberedEvent event);

  store::Transaction& tx_;
  UnixMicros now_;
  const catalog::MerchantToday& today_;
  std::map<model::MerchantId, std::vector<model::WebhookEndpoint>> endpoints_;
  std::map<model::MerchantId, MerchantEvents> pending_;
  std::size_t enqueued_ = 0;
};

// True when one of `endpoints` is enabled and subscribes to `type`.
bool AnySubscribed(const std::vector<model::WebhookEndpoint>& endpoints,
                   model::WebhookEventType type);

}  // namespace restock::webhooks
