// restock::store::postgres — the repositories of store/database.h over one PostgreSQL
// connection, and the Transaction handing them to a unit of work. Internal to store/postgres.
//
// Every statement is prepared once per connection. Batches are set-based: one statement per
// call whatever the number of elements (arrays bound as parameters and expanded with
// unnest()), never a round trip per element. Writes of several rows are all-or-nothing.
//
// Locking (transactions run at READ COMMITTED; see docs/scaling.md):
//  - in a write transaction, products are read FOR UPDATE: a read-modify-write of a product
//    (a stock update, a placement reservation) excludes every other one until commit, on
//    every node;
//  - in a write transaction, reading a merchant's orders first takes that merchant's
//    transaction-level advisory lock, so order decisions (placement chunks, restock retries,
//    new subscriptions' orders) of one merchant run one at a time across all nodes and each
//    sees everything the previous one committed.
// A statement that may fail for the caller's reasons (a duplicate) runs inside its own
// savepoint, in the same round trip (pipeline), so the work can go on after the error.
//
// Thread-safety: none; these objects live inside one unit of work on one thread.
// Ownership: they borrow the Connection and Clock, which must outlive them.
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
#include "store/postgres/connection.h"

namespace restock::store::postgres {

// What the repositories of one unit of work share.
struct TxContext {
  Connection& conn;
  const Clock& clock;
  bool writable;

  // Runs `call` inside a savepoint in one round trip; on failure rolls back to it, so the
  // transaction stays usable, and returns the statement's error.
  Result<Rows> Guarded(std::string_view sql, const Params& params);
  // Takes `merchant`'s order lock (in write transactions only) and runs `sql`, in one round
  // trip.
  Result<Rows> LockedOrderQuery(std::int64_t merchant, std::string_view sql,
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
  Result<std::vector<model::Merchant>> ListAll() override;

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
  Result<std::vector<model::Order>> ListForPlacement(model::MerchantId merchant, CivilDate date,
                                                     std::int64_t after_id,
                                                     std::size_t limit) override;
  Result<std::vector<model::Order>> ListOutOfStockWithProducts(
      model::MerchantId merchant, std::span<const std::string_view> product_ids,
      std::int64_t after_id, std::size_t limit) override;
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
  Result<std::vector<std::pair<CivilDate, std::int64_t>>> UnitsDue(model::MerchantId merchant,
                                                                   std::string_view product_id,
                                                                   CivilDate from,
                                                                   CivilDate to) override;

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

// The repositories of one unit of work. The caller begins and ends the SQL transaction.
class PgTransaction final : public Transaction {
 public:
  PgTransaction(Connection& conn, const Clock& clock, bool writable)
      : cx_{conn, clock, writable},
        merchants_(cx_),
        products_(cx_),
        stock_events_(cx_),
        subscriptions_(cx_),
        orders_(cx_),
        order_events_(cx_),
        placement_runs_(cx_) {}

  MerchantRepo& merchants() override { return merchants_; }
  ProductRepo& products() override { return products_; }
  StockEventRepo& stock_events() override { return stock_events_; }
  SubscriptionRepo& subscriptions() override { return subscriptions_; }
  OrderRepo& orders() override { return orders_; }
  OrderEventRepo& order_events() override { return order_events_; }
  PlacementRunRepo& placement_runs() override { return placement_runs_; }

 private:
  TxContext cx_;
  PgMerchantRepo merchants_;
  PgProductRepo products_;
  PgStockEventRepo stock_events_;
  PgSubscriptionRepo subscriptions_;
  PgOrderRepo orders_;
  PgOrderEventRepo order_events_;
  PgPlacementRunRepo placement_runs_;
};

}  // namespace restock::store::postgres
