// restock::store::postgres — the repositories of store/database.h over one PostgreSQL
// connection, and the Transaction handing them to a unit of work. Internal to store/postgres.
//
// Every statement is prepared once per connection. Batches are set-based: one statement per
// call whatever the number of elements (arrays bound as parameters and expanded with
// unnest()), never a round trip per element. Writes of several rows are all-or-nothing.
//
// Locking (transactions run at READ COMMITTED; see docs/scaling.md, "Lock order"):
//  - every lock of a merchant's data is taken under that merchant's transaction-level
//    advisory lock: shared to lock products, exclusive to decide orders. So order decisions
//    (placement chunks, restock retries, new subscriptions' orders) of one merchant run one at
//    a time across all nodes, each sees everything the previous one committed, and no other
//    transaction holds any of the merchant's rows meanwhile;
//  - in a write transaction, products are read FOR UPDATE, in product-id order: a
//    read-modify-write of a product (a stock update, a placement reservation) excludes every
//    other one until commit, on every node;
//  - what a unit of work declares (store::WorkLocks) is locked before it runs, advisory
//    locks by merchant id and then product rows by (merchant id, product id); a group commit
//    declares the union of its works. What a work locks beyond that is taken as it goes
//    (the advisory lock right before the merchant's first row).
// A statement that may fail for the caller's reasons (a duplicate) runs inside its own
// savepoint, in the same round trip (pipeline), so the work can go on after the error.
//
// Thread-safety: none; these objects live inside one unit of work on one thread.
// Ownership: they borrow the Connection and Clock, which must outlive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/postgres/connection.h"

namespace restock::store::postgres {

// What the repositories of one unit of work share.
struct TxContext {
  Connection& conn;
  const Clock& clock;
  bool writable;
  // The merchants whose advisory lock the transaction holds: true when exclusively.
  std::map<std::int64_t, bool> merchant_locks;

  // Takes every lock `locks` declare in the global order, in one round trip: advisory locks
  // by merchant id (exclusive where any declaration decides orders), then the products that
  // exist by (merchant id, product id). `begin` (e.g. "BEGIN") runs first and `then` (e.g.
  // "SAVEPOINT w") last in the same round trip; either may be empty.
  Status LockInOrder(std::string_view begin, std::span<const WorkLocks* const> locks,
                     std::string_view then);
  // Takes `merchant`'s shared lock (in write transactions, unless held) and runs `sql`,
  // which reads products FOR UPDATE, in one round trip.
  Result<Rows> LockedProductQuery(std::int64_t merchant, std::string_view sql,
                                  const Params& params);

  // Runs `call` inside a savepoint in one round trip; on failure rolls back to it, so the
  // transaction stays usable, and returns the statement's error.
  Result<Rows> Guarded(std::string_view sql, const Params& params);
  // Takes `merchant`'s order lock (in write transactions only) and runs `sql`, in one round
  // trip.
  Result<Rows> LockedOrderQuery(std::int64_t merchant, std::string_view sql,
                                const Params& params);
  // LockedOrderQuery for the scans over many of a merchant's orders (a placement page, the
  // out-of-stock orders of some products). In write transactions `sql` gets a plan of its
  // own parameters, whatever the connection's plan_cache_mode, which is restored after it
  // (same round trip): the group writer's connection uses generic plans, and the generic
  // plan of a page read, which cannot see the LIMIT or the merchant, hash-joined the whole
  // order_items table at every page (docs/decisions.md). Only `sql`: the scans run in
  // groups with stock updates, whose statements keep their generic plans.
  Result<Rows> LockedOrderScan(std::int64_t merchant, std::string_view sql,
                               const Params& params);
};

class PgMerchantRepo final : public MerchantRepo {
 public:
  explicit PgMerchantRepo(TxContext& cx) : cx_(cx) {}
  Result<model::Merchant> Create(const model::Merchant& merchant) override;
  Result<std::optional<model::Merchant>> FindByPublicId(std::string_view public_id) override;
  Status AddApiUser(const model::ApiUser& user) override;
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                    std::string_view username) override;
  Status AddApiKey(const model::ApiKey& key) override;
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) override;
  Result<std::optional<model::Merchant>> FindById(model::MerchantId id) override;
  Result<std::vector<model::Merchant>> ListAll() override;
  Status SetReplayProtection(model::MerchantId merchant, model::ReplayProtection mode) override;
  Status SetHeldStock(model::MerchantId merchant, int reservation_days, int oos_warn_days) override;
  Status RotateHashKey(model::MerchantId merchant, std::string_view hash_key,
                       UnixMicros previous_expires) override;
  Result<std::vector<model::ApiUser>> ListApiUsers(model::MerchantId merchant) override;
  Status RemoveApiUser(model::MerchantId merchant, std::string_view username) override;
  Status RotateApiUserSecret(model::MerchantId merchant, std::string_view username,
                             std::string_view secret, UnixMicros previous_expires) override;
  Result<std::vector<model::ApiKey>> ListApiKeys(model::MerchantId merchant) override;
  Status RemoveApiKey(model::MerchantId merchant, std::int64_t id) override;
  Status TouchApiKey(std::string_view key_sha256_hex, UnixMicros when) override;

 private:
  TxContext& cx_;
};

class PgSeenSignatureRepo final : public SeenSignatureRepo {
 public:
  explicit PgSeenSignatureRepo(TxContext& cx) : cx_(cx) {}
  // INSERT … ON CONFLICT DO UPDATE … WHERE expired: of two concurrent transactions (on any
  // node) remembering one digest, the second waits for the first and then writes nothing.
  Result<bool> Remember(model::MerchantId merchant, std::string_view digest, UnixMicros now,
                        UnixMicros expires) override;
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override;

 private:
  TxContext& cx_;
};

class PgIdempotencyRepo final : public IdempotencyRepo {
 public:
  explicit PgIdempotencyRepo(TxContext& cx) : cx_(cx) {}
  // Store is INSERT … ON CONFLICT DO UPDATE … WHERE expired: of two concurrent transactions
  // (on any node) storing one key, the second waits for the first and then writes nothing.
  Result<std::optional<IdempotentResponse>> Find(model::MerchantId merchant, std::string_view key,
                                                 UnixMicros now) override;
  Status Store(model::MerchantId merchant, std::string_view key, const IdempotentResponse& response,
               UnixMicros now, UnixMicros expires) override;
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override;

 private:
  TxContext& cx_;
};

class PgProductRepo final : public ProductRepo {
 public:
  explicit PgProductRepo(TxContext& cx) : cx_(cx) {}
  Result<std::optional<model::Product>> Find(model::MerchantId merchant,
                                             std::string_view product_id) override;
  // One statement for all ids (= ANY of an array).
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId merchant, std::span<const std::string_view> product_ids) override;
  Status Insert(model::MerchantId merchant, std::span<const model::Product> products) override;
  Status Update(model::MerchantId merchant, std::span<const model::Product> products) override;
  Result<std::vector<model::Product>> List(model::MerchantId merchant, const ProductFilter& filter,
                                           const ProductPage& page) override;

 private:
  TxContext& cx_;
};

class PgStockEventRepo final : public StockEventRepo {
 public:
  explicit PgStockEventRepo(TxContext& cx) : cx_(cx) {}
  Status Append(std::span<const model::StockEvent> events) override;
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId merchant,
                                                        std::string_view product_id,
                                                        std::size_t limit) override;
  Result<std::vector<model::StockEvent>> ListPage(model::MerchantId merchant,
                                                  std::string_view product_id,
                                                  const StockEventPage& page) override;
  Result<std::vector<model::StockEvent>> ListRange(std::int64_t after, std::int64_t up_to,
                                                   std::size_t limit) override;
  Result<std::int64_t> LatestId() override;

 private:
  TxContext& cx_;
};

class PgSubscriptionRepo final : public SubscriptionRepo {
 public:
  explicit PgSubscriptionRepo(TxContext& cx) : cx_(cx) {}
  Result<std::int64_t> Create(const model::Subscription& s) override;
  Result<std::optional<model::Subscription>> Find(model::MerchantId merchant,
                                                  std::int64_t id) override;
  Result<std::vector<std::optional<model::Subscription>>> FindMany(
      model::MerchantId merchant, std::span<const std::int64_t> ids) override;
  Status Update(const model::Subscription& s) override;

 private:
  TxContext& cx_;
};

class PgOrderRepo final : public OrderRepo {
 public:
  explicit PgOrderRepo(TxContext& cx) : cx_(cx) {}
  Result<std::optional<model::Order>> Find(model::MerchantId merchant, std::int64_t id) override;
  Result<PlacementPage> ListForPlacement(model::MerchantId merchant, CivilDate date,
                                         std::int64_t after_id, std::size_t limit) override;
  Result<PlacementPage> ListOutOfStockWithProducts(model::MerchantId merchant,
                                                   std::span<const std::string_view> product_ids,
                                                   std::int64_t after_id,
                                                   std::size_t limit) override;
  Result<std::vector<model::Order>> List(model::MerchantId merchant, const OrderFilter& filter,
                                         const OrderPage& page) override;
  Result<std::optional<std::int64_t>> FindUnsent(model::MerchantId merchant,
                                                 std::string_view customer_id,
                                                 CivilDate date) override;
  Result<std::optional<model::Order>> FindUnsentWithSubscription(
      model::MerchantId merchant, std::int64_t subscription_id) override;
  // One statement for the order and its items. AlreadyExists when two items share a
  // subscription id.
  Result<std::int64_t> Insert(const model::Order& order) override;
  Status AddItem(model::MerchantId merchant, std::int64_t order_id,
                 const model::OrderItem& item) override;
  Status Update(const model::Order& order, bool items_changed) override;
  // Set-based (order_repo_batch.cc): one statement writes every order and item of the batch
  // (ids drawn from the orders sequence in batch order). An order with two items of one
  // subscription fails with AlreadyExists after the orders before it, as Insert() would.
  Result<std::vector<std::int64_t>> InsertMany(std::span<const model::Order> orders) override;
  // Set-based: one statement updates the batch up to its first missing order (NotFound after
  // the ones before it, as the loop). An order given twice starts a new statement, so the
  // later values win as in the loop.
  Status UpdateMany(std::span<const model::Order> orders) override;
  // Set-based: one statement answers every key (kSelectUnsent per key, as the loop), under
  // the merchant's placement lock like FindUnsent.
  Result<std::vector<std::optional<std::int64_t>>> FindUnsentMany(
      model::MerchantId merchant, std::span<const UnsentKey> keys) override;
  Result<std::vector<std::pair<CivilDate, std::int64_t>>> UnitsDue(model::MerchantId merchant,
                                                                   std::string_view product_id,
                                                                   CivilDate from,
                                                                   CivilDate to) override;
  Result<std::vector<std::int64_t>> CommittedUnits(model::MerchantId merchant,
                                                   std::span<const std::string_view> product_ids,
                                                   CivilDate through) override;
  Result<std::vector<model::Order>> ListHeld(model::MerchantId merchant,
                                             CivilDate through) override;
  Result<bool> MarkOosPredicted(model::MerchantId merchant, std::int64_t order_id) override;

 private:
  TxContext& cx_;
};

class PgOrderEventRepo final : public OrderEventRepo {
 public:
  explicit PgOrderEventRepo(TxContext& cx) : cx_(cx) {}
  // Internal (and nothing appended) when an event names an order the merchant lacks.
  Status Append(std::span<const model::OrderEvent> events) override;
  Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId merchant,
                                                      std::int64_t order_id) override;

 private:
  TxContext& cx_;
};

class PgPlacementRunRepo final : public PlacementRunRepo {
 public:
  explicit PgPlacementRunRepo(TxContext& cx) : cx_(cx) {}
  Result<std::optional<CivilDate>> LastCompleted(model::MerchantId merchant) override;
  Status RecordCompleted(model::MerchantId merchant, CivilDate date, UnixMicros at) override;

 private:
  TxContext& cx_;
};

class PgWebhookEndpointRepo final : public WebhookEndpointRepo {
 public:
  explicit PgWebhookEndpointRepo(TxContext& cx) : cx_(cx) {}
  Result<std::int64_t> Create(const model::WebhookEndpoint& endpoint) override;
  Result<std::optional<model::WebhookEndpoint>> Find(model::MerchantId merchant,
                                                     std::int64_t id) override;
  Result<std::vector<model::WebhookEndpoint>> ListForMerchant(model::MerchantId merchant) override;
  Status Update(const model::WebhookEndpoint& endpoint) override;
  Status Delete(model::MerchantId merchant, std::int64_t id) override;

 private:
  TxContext& cx_;
};

class PgWebhookOutboxRepo final : public WebhookOutboxRepo {
 public:
  explicit PgWebhookOutboxRepo(TxContext& cx) : cx_(cx) {}
  // One statement for the whole batch.
  Status Enqueue(std::span<const model::WebhookDelivery> deliveries) override;
  Result<std::int64_t> ReserveSequences(model::MerchantId merchant, std::int64_t count) override;
  // The endpoint is picked FOR UPDATE SKIP LOCKED, then one UPDATE claims its due rows:
  // dispatchers on several nodes claim different endpoints without waiting for each other.
  Result<std::optional<EndpointClaim>> Claim(UnixMicros now, std::string_view token,
                                             UnixMicros lease_until, std::size_t limit) override;
  Result<bool> Release(std::int64_t id, std::string_view token,
                       UnixMicros next_attempt_at) override;
  Status EndClaim(model::MerchantId merchant, std::int64_t endpoint_id, std::string_view token, int failures,
                  UnixMicros backoff_until) override;
  Result<bool> Complete(std::int64_t id, std::string_view token, model::DeliveryStatus status,
                        UnixMicros next_attempt_at, UnixMicros now) override;
  Result<std::optional<model::WebhookDelivery>> Find(model::MerchantId merchant,
                                                     std::int64_t id) override;
  Result<std::vector<model::WebhookDelivery>> ListForEndpoint(model::MerchantId merchant,
                                                              std::int64_t endpoint_id,
                                                              UnixMicros since,
                                                              std::int64_t after_id,
                                                              std::size_t limit) override;
  Result<std::int64_t> CountByStatus(model::DeliveryStatus status) override;
  Result<std::size_t> DeleteForEndpoint(model::MerchantId merchant, std::int64_t endpoint_id,
                                        std::size_t limit) override;
  Result<std::size_t> PruneCompleted(UnixMicros before, std::size_t limit) override;

 private:
  TxContext& cx_;
};

class PgWebhookAttemptRepo final : public WebhookAttemptRepo {
 public:
  explicit PgWebhookAttemptRepo(TxContext& cx) : cx_(cx) {}
  Result<std::int64_t> Append(const model::DeliveryAttempt& attempt) override;
  Result<std::vector<model::DeliveryAttempt>> ListForEndpoint(model::MerchantId merchant,
                                                              std::int64_t endpoint_id,
                                                              std::optional<std::int64_t> before_id,
                                                              std::size_t limit) override;
  Result<std::size_t> DeleteForEndpoint(model::MerchantId merchant, std::int64_t endpoint_id,
                                        std::size_t limit) override;
  Result<std::size_t> PruneStarted(UnixMicros before, std::size_t limit) override;

 private:
  TxContext& cx_;
};

class PgHandoffRepo final : public HandoffRepo {
 public:
  explicit PgHandoffRepo(TxContext& cx) : cx_(cx) {}
  Result<std::optional<model::PlacementTarget>> FindTarget(model::MerchantId merchant) override;
  Status SetTarget(model::MerchantId merchant,
                   const std::optional<model::PlacementTarget>& target) override;
  Result<std::optional<model::CustomerContact>> FindContact(model::MerchantId merchant,
                                                            std::string_view customer_id) override;
  Status SaveContact(const model::CustomerContact& contact) override;
  Result<std::vector<std::pair<model::MerchantId, model::PlacementTarget>>> ListTargets() override;
  Status Enqueue(std::span<const model::HandoffRequest> requests) override;
  Result<std::vector<model::HandoffRequest>> Claim(model::MerchantId merchant, UnixMicros now,
                                                   std::string_view token, UnixMicros lease_until,
                                                   std::size_t limit) override;
  Result<bool> Complete(std::int64_t id, std::string_view token, UnixMicros now) override;
  Result<bool> Defer(std::int64_t id, std::string_view token, int retries) override;
  Result<bool> Release(std::int64_t id, std::string_view token) override;
  Result<std::size_t> MakeDue(model::MerchantId merchant, UnixMicros now) override;
  Result<std::int64_t> CountPending() override;
  Result<std::int64_t> CountDue(model::MerchantId merchant, UnixMicros now) override;
  Result<int> LastSequence(model::MerchantId merchant, std::int64_t order_id) override;
  Status SaveOutcome(const model::Order& order) override;

 private:
  TxContext& cx_;
};

// The repositories of one unit of work. The caller begins and ends the SQL transaction.
class PgTransaction final : public Transaction {
 public:
  PgTransaction(Connection& conn, const Clock& clock, bool writable)
      : cx_{conn, clock, writable, {}},
        merchants_(cx_),
        products_(cx_),
        stock_events_(cx_),
        subscriptions_(cx_),
        orders_(cx_),
        order_events_(cx_),
        placement_runs_(cx_),
        webhook_endpoints_(cx_),
        webhook_outbox_(cx_),
        webhook_attempts_(cx_),
        seen_signatures_(cx_),
        idempotency_keys_(cx_),
        handoff_(cx_) {}

  MerchantRepo& merchants() override { return merchants_; }
  ProductRepo& products() override { return products_; }
  StockEventRepo& stock_events() override { return stock_events_; }
  SubscriptionRepo& subscriptions() override { return subscriptions_; }
  OrderRepo& orders() override { return orders_; }
  OrderEventRepo& order_events() override { return order_events_; }
  PlacementRunRepo& placement_runs() override { return placement_runs_; }
  WebhookEndpointRepo& webhook_endpoints() override { return webhook_endpoints_; }
  WebhookOutboxRepo& webhook_outbox() override { return webhook_outbox_; }
  WebhookAttemptRepo& webhook_attempts() override { return webhook_attempts_; }
  SeenSignatureRepo& seen_signatures() override { return seen_signatures_; }
  IdempotencyRepo& idempotency_keys() override { return idempotency_keys_; }
  HandoffRepo& handoff() override { return handoff_; }

  // Deferred: the caller runs the steps with RunAtCommitSteps right before COMMIT.
  Status AtCommit(std::int64_t key, std::function<Status(Transaction&)> step) override {
    steps_.push_back(Step{key, std::move(step)});
    return Status::Ok();
  }
  // How many steps are waiting; DropStepsFrom(n) drops those added since this returned n
  // (a work rolled back to its savepoint).
  std::size_t step_count() const { return steps_.size(); }
  void DropStepsFrom(std::size_t n) { steps_.resize(n); }
  // Runs the waiting steps by key (stable), then forgets them; stops at the first failure.
  Status RunAtCommitSteps();

  // The connection the work runs on (the group writer's, or a pooled one); for tests.
  Connection& connection() { return cx_.conn; }
  // See TxContext::LockInOrder.
  Status LockInOrder(std::string_view begin, std::span<const WorkLocks* const> locks,
                     std::string_view then) {
    return cx_.LockInOrder(begin, locks, then);
  }
  // The advisory locks held, to be restored when a savepoint taken now is rolled back (which
  // releases what was locked after it).
  std::map<std::int64_t, bool> merchant_locks() const { return cx_.merchant_locks; }
  void RestoreMerchantLocks(std::map<std::int64_t, bool> held) {
    cx_.merchant_locks = std::move(held);
  }

 private:
  struct Step {
    std::int64_t key;
    std::function<Status(Transaction&)> step;
  };

  TxContext cx_;
  std::vector<Step> steps_;
  PgMerchantRepo merchants_;
  PgProductRepo products_;
  PgStockEventRepo stock_events_;
  PgSubscriptionRepo subscriptions_;
  PgOrderRepo orders_;
  PgOrderEventRepo order_events_;
  PgPlacementRunRepo placement_runs_;
  PgWebhookEndpointRepo webhook_endpoints_;
  PgWebhookOutboxRepo webhook_outbox_;
  PgWebhookAttemptRepo webhook_attempts_;
  PgSeenSignatureRepo seen_signatures_;
  PgIdempotencyRepo idempotency_keys_;
  PgHandoffRepo handoff_;
};

}  // namespace restock::store::postgres
