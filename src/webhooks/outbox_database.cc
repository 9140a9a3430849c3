#include "webhooks/outbox_database.h"

#include <atomic>
#include <utility>

#include "webhooks/outbox_writer.h"

namespace restock::webhooks {
namespace {

// Appends through the real repository, then writes the events' outbox rows.
class OutboxStockEventRepo final : public store::StockEventRepo {
 public:
  OutboxStockEventRepo(store::StockEventRepo& inner, OutboxWriter& writer)
      : inner_(inner), writer_(writer) {}
  Status Append(std::span<const model::StockEvent> events) override {
    RESTOCK_RETURN_IF_ERROR(inner_.Append(events));
    return writer_.OnStockEvents(events);
  }
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId merchant,
                                                        std::string_view product_id,
                                                        std::size_t limit) override {
    return inner_.ListForProduct(merchant, product_id, limit);
  }
  Result<std::vector<model::StockEvent>> ListPage(model::MerchantId merchant,
                                                  std::string_view product_id,
                                                  const store::StockEventPage& page) override {
    return inner_.ListPage(merchant, product_id, page);
  }

 private:
  store::StockEventRepo& inner_;
  OutboxWriter& writer_;
};

class OutboxOrderEventRepo final : public store::OrderEventRepo {
 public:
  OutboxOrderEventRepo(store::OrderEventRepo& inner, OutboxWriter& writer)
      : inner_(inner), writer_(writer) {}
  Status Append(std::span<const model::OrderEvent> events) override {
    RESTOCK_RETURN_IF_ERROR(inner_.Append(events));
    return writer_.OnOrderEvents(events);
  }
  Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId merchant,
                                                      std::int64_t order_id) override {
    return inner_.ListForOrder(merchant, order_id);
  }

 private:
  store::OrderEventRepo& inner_;
  OutboxWriter& writer_;
};

// The unit of work handed to callers: the backend's, with the two event repositories
// decorated.
class OutboxTransaction final : public store::Transaction {
 public:
  OutboxTransaction(store::Transaction& inner, UnixMicros now)
      : inner_(inner),
        writer_(inner, now),
        stock_events_(inner.stock_events(), writer_),
        order_events_(inner.order_events(), writer_) {}

  store::MerchantRepo& merchants() override { return inner_.merchants(); }
  store::ProductRepo& products() override { return inner_.products(); }
  store::StockEventRepo& stock_events() override { return stock_events_; }
  store::SubscriptionRepo& subscriptions() override { return inner_.subscriptions(); }
  store::OrderRepo& orders() override { return inner_.orders(); }
  store::OrderEventRepo& order_events() override { return order_events_; }
  store::PlacementRunRepo& placement_runs() override { return inner_.placement_runs(); }
  store::WebhookEndpointRepo& webhook_endpoints() override { return inner_.webhook_endpoints(); }
  store::WebhookOutboxRepo& webhook_outbox() override { return inner_.webhook_outbox(); }
  store::WebhookAttemptRepo& webhook_attempts() override { return inner_.webhook_attempts(); }
  store::SeenSignatureRepo& seen_signatures() override { return inner_.seen_signatures(); }

  std::size_t enqueued() const { return writer_.enqueued(); }

 private:
  store::Transaction& inner_;
  OutboxWriter writer_;
  OutboxStockEventRepo stock_events_;
  OutboxOrderEventRepo order_events_;
};

}  // namespace

Status OutboxDatabase::RunInTransaction(const store::Work& work) {
  bool enqueued = false;
  Status status = inner_->RunInTransaction([&](store::Transaction& tx) -> Status {
    OutboxTransaction outbox(tx, clock_.NowMicros());
    Status s = work(outbox);
    enqueued = outbox.enqueued() > 0;  // the last run is the one that committed
    return s;
  });
  if (status.ok() && enqueued && observer_) observer_();
  return status;
}

void OutboxDatabase::Submit(store::Work work, store::WorkDone done) {
  // A work may run more than once; the flag tells whether the run that committed wrote rows.
  auto enqueued = std::make_shared<std::atomic<bool>>(false);
  inner_->Submit(
      [this, work = std::move(work), enqueued](store::Transaction& tx) -> Status {
        OutboxTransaction outbox(tx, clock_.NowMicros());
        Status s = work(outbox);
        enqueued->store(outbox.enqueued() > 0);
        return s;
      },
      [this, done = std::move(done), enqueued](Status status) {
        if (status.ok() && enqueued->load() && observer_) observer_();
        done(std::move(status));
      });
}

}  // namespace restock::webhooks
