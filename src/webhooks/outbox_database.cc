#include "webhooks/outbox_database.h"

#include <atomic>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/timezone.h"
#include "webhooks/outbox_writer.h"

namespace restock::webhooks {
namespace {

// The events a unit of work appended, in append order, for their outbox rows.
using AppendedEvents =
    std::vector<std::variant<std::vector<model::StockEvent>, std::vector<model::OrderEvent>>>;

// Appends through the real repository and keeps the events: their outbox rows are written
// when the work is done (OutboxTransaction::Finish), so the products they render are saved
// by then whichever the caller writes first (catalog/stock_update.cc appends first).
class OutboxStockEventRepo final : public store::StockEventRepo {
 public:
  OutboxStockEventRepo(store::StockEventRepo& inner, AppendedEvents& appended)
      : inner_(inner), appended_(appended) {}
  Status Append(std::span<const model::StockEvent> events) override {
    RESTOCK_RETURN_IF_ERROR(inner_.Append(events));
    appended_.emplace_back(std::vector<model::StockEvent>(events.begin(), events.end()));
    return Status::Ok();
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
  Result<std::vector<model::StockEvent>> ListRange(std::int64_t after, std::int64_t up_to,
                                                   std::size_t limit) override {
    return inner_.ListRange(after, up_to, limit);
  }
  Result<std::int64_t> LatestId() override { return inner_.LatestId(); }

 private:
  store::StockEventRepo& inner_;
  AppendedEvents& appended_;
};

// As OutboxStockEventRepo, for order events.
class OutboxOrderEventRepo final : public store::OrderEventRepo {
 public:
  OutboxOrderEventRepo(store::OrderEventRepo& inner, AppendedEvents& appended)
      : inner_(inner), appended_(appended) {}
  Status Append(std::span<const model::OrderEvent> events) override {
    RESTOCK_RETURN_IF_ERROR(inner_.Append(events));
    appended_.emplace_back(std::vector<model::OrderEvent>(events.begin(), events.end()));
    return Status::Ok();
  }
  Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId merchant,
                                                      std::int64_t order_id) override {
    return inner_.ListForOrder(merchant, order_id);
  }

 private:
  store::OrderEventRepo& inner_;
  AppendedEvents& appended_;
};

// The unit of work handed to callers: the backend's, with the two event repositories
// decorated.
class OutboxTransaction final : public store::Transaction {
 public:
  OutboxTransaction(store::Transaction& inner, UnixMicros now,
                    const catalog::MerchantToday& today)
      : inner_(inner),
        writer_(inner, now, today),
        stock_events_(inner.stock_events(), appended_),
        order_events_(inner.order_events(), appended_) {}

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
  store::IdempotencyRepo& idempotency_keys() override { return inner_.idempotency_keys(); }
  store::HandoffRepo& handoff() override { return inner_.handoff(); }
  Status AtCommit(std::int64_t key, std::function<Status(store::Transaction&)> step) override {
    return inner_.AtCommit(key, std::move(step));
  }

  // Writes the outbox rows of the events the work appended, in append order. REQUIRES: the
  // work is done and succeeded.
  Status Finish() {
    for (const auto& events : appended_) {
      RESTOCK_RETURN_IF_ERROR(std::visit(
          [this](const auto& run) -> Status {
            if constexpr (std::is_same_v<std::decay_t<decltype(run)>,
                                         std::vector<model::StockEvent>>) {
              return writer_.OnStockEvents(run);
            } else {
              return writer_.OnOrderEvents(run);
            }
          },
          events));
    }
    return writer_.Finish();
  }

  std::size_t enqueued() const { return writer_.enqueued(); }

 private:
  store::Transaction& inner_;
  OutboxWriter writer_;
  AppendedEvents appended_;
  OutboxStockEventRepo stock_events_;
  OutboxOrderEventRepo order_events_;
};

}  // namespace

catalog::MerchantToday OutboxDatabase::Today() const {
  return [this](const model::Merchant& merchant) -> Result<CivilDate> {
    const TimeZone utc = TimeZone::Utc();
    if (!today_) return utc.LocalDate(clock_.NowMicros());
    Result<CivilDate> day = today_(merchant);
    return day.ok() ? *day : utc.LocalDate(clock_.NowMicros());
  };
}

Status OutboxDatabase::RunInTransaction(const store::Work& work, const store::WorkLocks& locks) {
  const catalog::MerchantToday today = Today();
  bool enqueued = false;
  Status status = inner_->RunInTransaction([&](store::Transaction& tx) -> Status {
    OutboxTransaction outbox(tx, clock_.NowMicros(), today);
    Status s = work(outbox);
    if (s.ok()) s = outbox.Finish();
    enqueued = outbox.enqueued() > 0;  // the last run is the one that committed
    return s;
  }, locks);
  if (status.ok() && enqueued && observer_) observer_();
  return status;
}

void OutboxDatabase::Submit(store::Work work, store::WorkDone done, store::WorkLocks locks) {
  // A work may run more than once; the flag tells whether the run that committed wrote rows.
  auto enqueued = std::make_shared<std::atomic<bool>>(false);
  inner_->Submit(
      [this, work = std::move(work), enqueued, today = Today()](store::Transaction& tx) -> Status {
        OutboxTransaction outbox(tx, clock_.NowMicros(), today);
        Status s = work(outbox);
        if (s.ok()) s = outbox.Finish();
        enqueued->store(outbox.enqueued() > 0);
        return s;
      },
      [this, done = std::move(done), enqueued](Status status) {
        if (status.ok() && enqueued->load() && observer_) observer_();
        done(std::move(status));
      },
      std::move(locks));
}

}  // namespace restock::webhooks
