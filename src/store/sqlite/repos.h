// restock::store::sqlite — the repositories of store/database.h over one SQLite connection,
// and the Transaction that hands them to a unit of work. Internal to store/sqlite.
//
// Every statement is prepared once per connection and cached (see Connection::Prepare).
// Writes of several rows (batches, an order with its items) are all-or-nothing: on error,
// the rows of that call are undone even if the enclosing work goes on.
//
// Thread-safety: none; these objects live inside one unit of work on one thread.
// Ownership: they borrow the Connection (and Clock), which must outlive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/sqlite/chain_heads.h"
#include "store/sqlite/connection.h"

namespace restock::store::sqlite {

class SqliteMerchantRepo final : public MerchantRepo {
 public:
  // `clock` stamps the `created` column of API users and keys (the model has no such field).
  SqliteMerchantRepo(Connection& conn, const Clock& clock) : conn_(conn), clock_(clock) {}

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
  Connection& conn_;
  const Clock& clock_;
};

class SqliteSeenSignatureRepo final : public SeenSignatureRepo {
 public:
  explicit SqliteSeenSignatureRepo(Connection& conn) : conn_(conn) {}

  Result<bool> Remember(model::MerchantId merchant, std::string_view digest, UnixMicros now,
                        UnixMicros expires) override;
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override;

 private:
  Connection& conn_;
};

class SqliteIdempotencyRepo final : public IdempotencyRepo {
 public:
  explicit SqliteIdempotencyRepo(Connection& conn) : conn_(conn) {}
  Result<std::optional<IdempotentResponse>> Find(model::MerchantId merchant, std::string_view key,
                                                 UnixMicros now) override;
  Status Store(model::MerchantId merchant, std::string_view key, const IdempotentResponse& response,
               UnixMicros now, UnixMicros expires) override;
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override;

 private:
  Connection& conn_;
};

class SqliteProductRepo final : public ProductRepo {
 public:
  SqliteProductRepo(Connection& conn, ChainHeads& heads) : conn_(conn), heads_(heads) {}

  // Find (and FindMany) record the product's chain head in `heads`; Update writes a head an
  // append moved with the row (chain_heads.h).

  Result<std::optional<model::Product>> Find(model::MerchantId merchant,
                                             std::string_view product_id) override;
  // One cached point lookup per id: in-process SQLite has no round trip to save.
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId merchant, std::span<const std::string_view> product_ids) override;
  Status Insert(model::MerchantId merchant, std::span<const model::Product> products) override;
  Status Update(model::MerchantId merchant, std::span<const model::Product> products) override;
  Result<std::vector<model::Product>> List(model::MerchantId merchant, const ProductFilter& filter,
                                           const ProductPage& page) override;

 private:
  Connection& conn_;
  ChainHeads& heads_;
};

class SqliteStockEventRepo final : public StockEventRepo {
 public:
  SqliteStockEventRepo(Connection& conn, ChainHeads& heads) : conn_(conn), heads_(heads) {}

  // Ids are assigned by the database, increasing in append order. Internal (and nothing
  // appended) when an event names a product the merchant does not have. A product's events
  // are a chain from its row (migration 7), so listing a page costs one lookup per event
  // read: older pages start at their cursor, newer pages walk down from the newest event.
  // An event of a product this work has read links to the head in `heads` and leaves the
  // head's write to the product's update or to WriteMovedHeads (chain_heads.h).
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

  // Writes the heads that appends moved and no product update has written yet.
  Status WriteMovedHeads();

 private:
  Connection& conn_;
  ChainHeads& heads_;
};

class SqliteSubscriptionRepo final : public SubscriptionRepo {
 public:
  explicit SqliteSubscriptionRepo(Connection& conn) : conn_(conn) {}

  // The customer row is stamped with the subscription's `created`.
  Result<std::int64_t> Create(const model::Subscription& s) override;
  Result<std::optional<model::Subscription>> Find(model::MerchantId merchant,
                                                  std::int64_t id) override;
  // One cached point lookup per id.
  Result<std::vector<std::optional<model::Subscription>>> FindMany(
      model::MerchantId merchant, std::span<const std::int64_t> ids) override;
  Status Update(const model::Subscription& s) override;

 private:
  Connection& conn_;
};

// Reads return orders with their items, in subscription id order, without a query per
// order (orders are read joined with their items). Tuned for placement, which calls
// FindUnsent, Insert or AddItem, and Update once per order: see the migration's notes.
class SqliteOrderRepo final : public OrderRepo {
 public:
  explicit SqliteOrderRepo(Connection& conn) : conn_(conn) {}

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
  // 64 keys per statement (multi_row.h).
  Result<std::vector<std::optional<std::int64_t>>> FindUnsentMany(
      model::MerchantId merchant, std::span<const UnsentKey> keys) override;
  // Looks among the unsent orders of the subscription's customer (an item's subscription
  // belongs to the order's customer), so nullopt when the subscription does not exist.
  // The latest due such order when (against the rules) there are several.
  Result<std::optional<model::Order>> FindUnsentWithSubscription(
      model::MerchantId merchant, std::int64_t subscription_id) override;
  // AlreadyExists when two items share a subscription id.
  Result<std::int64_t> Insert(const model::Order& order) override;
  // Multi-row statements with ids assigned as SQLite would (the largest id + 1, …); an order
  // that would fail (two items of one subscription) goes through Insert() to fail alike.
  Result<std::vector<std::int64_t>> InsertMany(std::span<const model::Order> orders) override;
  // AlreadyExists when the order already has an item of that subscription; NotFound when
  // the merchant has no such order.
  Status AddItem(model::MerchantId merchant, std::int64_t order_id,
                 const model::OrderItem& item) override;
  Status Update(const model::Order& order, bool items_changed) override;
  // Multi-row statements inside a savepoint for orders whose customer, place date and
  // creation time are unchanged (placement's case); any other batch goes through Update().
  Status UpdateMany(std::span<const model::Order> orders) override;
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
  // Runs kInsertItem or kAddItem for `item`.
  Status InsertItem(std::string_view sql, model::MerchantId merchant, std::int64_t order_id,
                    const model::OrderItem& item);
  // Overwrites the order row; NotFound when missing.
  Status UpdateRow(const model::Order& order);
  // Deletes the order and its items.
  Status DeleteOrder(model::MerchantId merchant, std::int64_t id);
  // InsertMany for orders Insert() would accept: multi-row statements, explicit ids.
  Result<std::vector<std::int64_t>> InsertRows(std::span<const model::Order> orders);

  Connection& conn_;
};

class SqliteOrderEventRepo final : public OrderEventRepo {
 public:
  explicit SqliteOrderEventRepo(Connection& conn) : conn_(conn) {}

  // Ids are assigned by the database, increasing in append order. Internal (and nothing
  // appended) when an event names an order the merchant does not have.
  Status Append(std::span<const model::OrderEvent> events) override;
  Result<std::vector<model::OrderEvent>> ListForOrder(model::MerchantId merchant,
                                                      std::int64_t order_id) override;

 private:
  Connection& conn_;
};

class SqlitePlacementRunRepo final : public PlacementRunRepo {
 public:
  explicit SqlitePlacementRunRepo(Connection& conn) : conn_(conn) {}

  Result<std::optional<CivilDate>> LastCompleted(model::MerchantId merchant) override;
  // Recording a day again keeps the first completion time.
  Status RecordCompleted(model::MerchantId merchant, CivilDate date, UnixMicros at) override;

 private:
  Connection& conn_;
};

class SqliteWebhookEndpointRepo final : public WebhookEndpointRepo {
 public:
  explicit SqliteWebhookEndpointRepo(Connection& conn) : conn_(conn) {}

  Result<std::int64_t> Create(const model::WebhookEndpoint& endpoint) override;
  Result<std::optional<model::WebhookEndpoint>> Find(model::MerchantId merchant,
                                                     std::int64_t id) override;
  Result<std::vector<model::WebhookEndpoint>> ListForMerchant(model::MerchantId merchant) override;
  Status Update(const model::WebhookEndpoint& endpoint) override;
  Status Delete(model::MerchantId merchant, std::int64_t id) override;

 private:
  Connection& conn_;
};

// A claim is a select of the due ids (partial index of pending rows) and an update per id,
// inside the caller's write transaction, which SQLite holds exclusively: no two claims overlap.
class SqliteWebhookOutboxRepo final : public WebhookOutboxRepo {
 public:
  explicit SqliteWebhookOutboxRepo(Connection& conn) : conn_(conn) {}

  Status Enqueue(std::span<const model::WebhookDelivery> deliveries) override;
  Result<std::int64_t> ReserveSequences(model::MerchantId merchant, std::int64_t count) override;
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
  Connection& conn_;
};

class SqliteWebhookAttemptRepo final : public WebhookAttemptRepo {
 public:
  explicit SqliteWebhookAttemptRepo(Connection& conn) : conn_(conn) {}

  Result<std::int64_t> Append(const model::DeliveryAttempt& attempt) override;
  Result<std::vector<model::DeliveryAttempt>> ListForEndpoint(
      model::MerchantId merchant, std::int64_t endpoint_id, std::optional<std::int64_t> before_id,
      std::size_t limit) override;
  Result<std::size_t> DeleteForEndpoint(model::MerchantId merchant, std::int64_t endpoint_id,
                                        std::size_t limit) override;
  Result<std::size_t> PruneStarted(UnixMicros before, std::size_t limit) override;

 private:
  Connection& conn_;
};

class SqliteHandoffRepo final : public HandoffRepo {
 public:
  explicit SqliteHandoffRepo(Connection& conn) : conn_(conn) {}
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

  // Claim's query of due requests: oldest due first, in the order of the partial index
  // handoff_outbox_due, so it reads only the rows it returns (no sort of every due row).
  // Public for the test that checks its query plan.
  static const std::string_view kSelectDue;

 private:
  Connection& conn_;
};

// The repositories of one unit of work. The caller begins and ends the SQL transaction, and
// ends every unit of work run on it with FinishWork.
class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& conn, const Clock& clock)
      : merchants_(conn, clock),
        products_(conn, heads_),
        stock_events_(conn, heads_),
        subscriptions_(conn),
        orders_(conn),
        order_events_(conn),
        placement_runs_(conn),
        webhook_endpoints_(conn),
        webhook_outbox_(conn),
        webhook_attempts_(conn),
        seen_signatures_(conn),
        idempotency_keys_(conn),
        handoff_(conn) {}

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

  // After each unit of work, with its status: writes what the work left pending (the chain
  // heads of chain_heads.h) when it succeeded, and forgets the work's state either way. The
  // work's outcome is the returned status.
  Status FinishWork(Status work_status) {
    if (work_status.ok() && heads_.moved() > 0) work_status = stock_events_.WriteMovedHeads();
    heads_.Clear();
    return work_status;
  }

 private:
  ChainHeads heads_;  // before the repositories, which borrow it
  SqliteMerchantRepo merchants_;
  SqliteProductRepo products_;
  SqliteStockEventRepo stock_events_;
  SqliteSubscriptionRepo subscriptions_;
  SqliteOrderRepo orders_;
  SqliteOrderEventRepo order_events_;
  SqlitePlacementRunRepo placement_runs_;
  SqliteWebhookEndpointRepo webhook_endpoints_;
  SqliteWebhookOutboxRepo webhook_outbox_;
  SqliteWebhookAttemptRepo webhook_attempts_;
  SqliteSeenSignatureRepo seen_signatures_;
  SqliteIdempotencyRepo idempotency_keys_;
  SqliteHandoffRepo handoff_;
};

}  // namespace restock::store::sqlite
