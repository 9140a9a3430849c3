// restock::store — storage interfaces. They speak the domain ("these products", "append
// these stock events"), never SQL; every backend (store/sqlite, store/postgres) implements
// them and translates its native errors:
//   unique violation -> AlreadyExists, lost connection or busy / serialization failure once
//   retries are spent -> Unavailable (transient: retry later), anything else -> Internal.
// Repositories are only reachable inside a unit of work (Transaction), so every write is
// part of exactly one transaction.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "model/merchant.h"
#include "model/product.h"
#include "model/stock_event.h"
#include "store/idempotency_repo.h"
#include "store/handoff_repos.h"
#include "store/placement_repos.h"
#include "store/replay_repos.h"
#include "store/webhook_repos.h"

namespace restock::store {

// Merchants and their credentials.
class MerchantRepo {
 public:
  virtual ~MerchantRepo() = default;
  // Inserts `merchant` (its id is ignored) and returns it with the assigned id.
  // AlreadyExists when the public id is taken.
  virtual Result<model::Merchant> Create(const model::Merchant& merchant) = 0;
  // Returns nullopt when no merchant has that public id.
  virtual Result<std::optional<model::Merchant>> FindByPublicId(std::string_view public_id) = 0;
  // AlreadyExists when the merchant already has that username.
  virtual Status AddApiUser(const model::ApiUser& user) = 0;
  virtual Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                            std::string_view username) = 0;
  virtual Status AddApiKey(const model::ApiKey& key) = 0;
  // Looks a key up by the hex SHA-256 of its value.
  virtual Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) = 0;
  // Returns nullopt when no merchant has that id.
  virtual Result<std::optional<model::Merchant>> FindById(model::MerchantId id) = 0;
  // Every merchant, by id (for the placement scheduler).
  virtual Result<std::vector<model::Merchant>> ListAll() = 0;
  // Sets the merchant's replay protection mode. NotFound when no merchant has that id.
  virtual Status SetReplayProtection(model::MerchantId merchant, model::ReplayProtection mode) = 0;
  // Sets the merchant's reservation_days and oos_warn_days (model::Merchant). NotFound when no
  // merchant has that id. REQUIRES: both in 0..model::kMaxHeldStockDays.
  virtual Status SetHeldStock(model::MerchantId merchant, int reservation_days,
                              int oos_warn_days) = 0;

  // Credentials over their lifetime (docs/security.md, "Rotating credentials").
  // Makes `hash_key` the merchant's hash key; the key it replaces is kept as the previous
  // one, accepted until `previous_expires` (a rotation drops any older previous key).
  // NotFound when no merchant has that id.
  virtual Status RotateHashKey(model::MerchantId merchant, std::string_view hash_key,
                               UnixMicros previous_expires) = 0;
  // The merchant's API users by username, secrets included (callers must not show them).
  virtual Result<std::vector<model::ApiUser>> ListApiUsers(model::MerchantId merchant) = 0;
  // NotFound when the merchant has no such user.
  virtual Status RemoveApiUser(model::MerchantId merchant, std::string_view username) = 0;
  // As RotateHashKey, for an API user's secret. NotFound when the merchant has no such user.
  virtual Status RotateApiUserSecret(model::MerchantId merchant, std::string_view username,
                                     std::string_view secret, UnixMicros previous_expires) = 0;
  // The merchant's API keys by id (their hashes included, never the keys).
  virtual Result<std::vector<model::ApiKey>> ListApiKeys(model::MerchantId merchant) = 0;
  // Deletes the merchant's key with that id. NotFound when the merchant has no such key.
  virtual Status RemoveApiKey(model::MerchantId merchant, std::int64_t id) = 0;
  // Records that the key (by hash) authenticated a request at `when`. A key that no longer
  // exists is not an error.
  virtual Status TouchApiKey(std::string_view key_sha256_hex, UnixMicros when) = 0;
};

// Which products a listing returns (GET /products/). Every set field must match.
struct ProductFilter {
  std::optional<bool> live;
  std::optional<bool> discontinued;
  // When not empty: `search` occurs in the product_id, the sku or the name, ignoring ASCII
  // case (other characters compare exactly). Matched as plain text: no wildcards.
  std::string search;
};

// A page of a listing in product_id order, compared as bytes (memcmp, i.e. COLLATE "C" on
// PostgreSQL). With before set: ids < before, descending (the caller reverses for display);
// otherwise ids > after (all ids when after is empty), ascending.
struct ProductPage {
  std::string after;
  std::optional<std::string> before;
  std::size_t limit = 10;
};

class ProductRepo {
 public:
  virtual ~ProductRepo() = default;
  virtual Result<std::optional<model::Product>> Find(model::MerchantId merchant,
                                                     std::string_view product_id) = 0;
  // Returns one entry per id, aligned with `product_ids`; nullopt where the merchant has no
  // such product. Ids may repeat. One set-based read, not a query per id on remote backends.
  virtual Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId merchant, std::span<const std::string_view> product_ids) = 0;
  // Inserts new products. AlreadyExists when one exists.
  virtual Status Insert(model::MerchantId merchant, std::span<const model::Product> products) = 0;
  // Overwrites existing products (matched by product_id). Internal when one is missing.
  virtual Status Update(model::MerchantId merchant, std::span<const model::Product> products) = 0;
  // One page of the merchant's products matching `filter` (see ProductPage for the order),
  // at most page.limit. Keyset pagination: the cost of a page does not grow with its depth.
  virtual Result<std::vector<model::Product>> List(model::MerchantId merchant,
                                                   const ProductFilter& filter,
                                                   const ProductPage& page) = 0;
};

// A page of one product's stock events by event id. With newer_than set: ids > newer_than,
// oldest first (the caller reverses for display); otherwise ids < older_than (every id when
// unset), newest first.
struct StockEventPage {
  std::optional<std::int64_t> older_than;
  std::optional<std::int64_t> newer_than;
  std::size_t limit = 10;
};

class StockEventRepo {
 public:
  virtual ~StockEventRepo() = default;
  // Appends `events`, all or nothing. Every event's product must exist (SQLite keeps the
  // head of a product's history in its row): Internal when one does not, on backends that
  // check it (SQLite).
  // Write order: a unit of work that both appends a product's events and updates that
  // product appends first, then updates. Either order is correct; appending first lets a
  // backend write the history's head with the product's row (SQLite does), the other
  // order costs it one more write per product.
  virtual Status Append(std::span<const model::StockEvent> events) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId merchant,
                                                                std::string_view product_id,
                                                                std::size_t limit) = 0;
  // One page of the product's events (see StockEventPage), at most page.limit.
  virtual Result<std::vector<model::StockEvent>> ListPage(model::MerchantId merchant,
                                                          std::string_view product_id,
                                                          const StockEventPage& page) = 0;
  // Every merchant's events with after < id <= up_to, lowest id first, at most `limit`:
  // what `serve` reads to follow the events other processes commit
  // (placement/stock_event_follower.h). Cheap at any depth (an index on id).
  virtual Result<std::vector<model::StockEvent>> ListRange(std::int64_t after, std::int64_t up_to,
                                                           std::size_t limit) = 0;
  // The highest event id committed and visible to this unit of work; 0 when there is none.
  virtual Result<std::int64_t> LatestId() = 0;
};

// One unit of work. Valid only inside the callback it is passed to; not thread-safe.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual MerchantRepo& merchants() = 0;
  virtual ProductRepo& products() = 0;
  virtual StockEventRepo& stock_events() = 0;
  virtual SubscriptionRepo& subscriptions() = 0;
  virtual OrderRepo& orders() = 0;
  virtual OrderEventRepo& order_events() = 0;
  virtual PlacementRunRepo& placement_runs() = 0;
  virtual WebhookEndpointRepo& webhook_endpoints() = 0;
  virtual WebhookOutboxRepo& webhook_outbox() = 0;
  virtual WebhookAttemptRepo& webhook_attempts() = 0;
  virtual SeenSignatureRepo& seen_signatures() = 0;
  virtual IdempotencyRepo& idempotency_keys() = 0;
  virtual HandoffRepo& handoff() = 0;

  // A write that has to come last: `step` runs once the work is done, right before the
  // commit, and under group commit after every work of the group, the steps of the whole
  // group ordered by `key` (ties in the order they were added). A backend whose
  // transactions wait on each other's row locks (PostgreSQL) thus takes the rows a step
  // locks last and in one global order, whatever order the works ran in: webhook sequence
  // counters, by merchant id (docs/scaling.md, "Lock order"). The step gets the backend's
  // own transaction. Its failure fails the work (under group commit: the whole group). The
  // steps of a work that fails are dropped. The default runs `step` at once (enough with a
  // single writer, as on SQLite).
  virtual Status AtCommit(std::int64_t key, std::function<Status(Transaction&)> step) {
    (void)key;
    return step(*this);
  }
};

// A callback doing domain work in one transaction. Returning a non-OK Status rolls back
// everything it wrote.
using Work = std::function<Status(Transaction&)>;
// Receives the outcome of a submitted Work once it is durable (or failed).
using WorkDone = std::function<void(Status)>;

// What a unit of work is going to lock, declared before it runs, so that a backend with
// row locks (PostgreSQL) takes every lock of a transaction, or of a whole group commit, in
// one global order and transactions cannot deadlock (docs/scaling.md, "Lock order"). A work
// may lock less than it declares. SQLite, with a single writer, ignores declarations.
struct WorkLocks {
  model::MerchantId merchant = 0;  // 0: the work locks nothing of any merchant's
  // The work decides the merchant's orders (placement chunks, restock retries, subscriptions
  // and their orders): it needs the merchant's order lock, exclusively.
  bool orders = false;
  // The merchant's products the work reads for update (the elements of a stock update).
  std::vector<std::string> products;
};

// A database. Thread-safe: every method may be called from any thread.
class Database {
 public:
  virtual ~Database() = default;

  // Creates or migrates the schema to the newest version. Idempotent.
  virtual Status Migrate() = 0;

  // Runs `work` in a write transaction on the calling thread and commits it durably.
  // Retries the whole work on Aborted or busy a bounded number of times. Blocks.
  virtual Status RunInTransaction(const Work& work) = 0;
  // The same, taking the locks `locks` declares before `work` runs (see WorkLocks). The
  // default ignores the declaration.
  virtual Status RunInTransaction(const Work& work, const WorkLocks& locks) {
    (void)locks;
    return RunInTransaction(work);
  }

  // Runs `work` on a read-only snapshot. Writes fail. Blocks.
  virtual Status RunReadOnly(const Work& work) = 0;

  // Group commit. Queues `work` for the single writer, which runs everything queued in one
  // transaction and commits once; a failing work rolls back alone, without the others'
  // writes (each is isolated, by a savepoint or by replaying the group: the backend
  // chooses). `done` runs once the commit is durable, with the work's own Status, or with
  // the commit's error, on a thread the database owns: which one is the backend's (the
  // writer thread on PostgreSQL, the WAL syncer thread on SQLite), so `done` must not block
  // for long and must not call Shutdown. Never blocks the caller.
  // A work may run more than once (a busy group is retried whole; SQLite replays a group
  // one of whose works failed), so it must have no effects outside the transaction other
  // than overwriting its own results.
  virtual void Submit(Work work, WorkDone done) = 0;
  // The same, with what the work will lock (see WorkLocks): a backend that locks takes the
  // locks of all works of a group, in the global order, before running the first. The
  // default ignores the declaration.
  virtual void Submit(Work work, WorkDone done, WorkLocks locks) {
    (void)locks;
    Submit(std::move(work), std::move(done));
  }

  // Called on the writer thread after each group commit with the number of works in it.
  // REQUIRES: called before the first Submit.
  virtual void SetGroupObserver(std::function<void(std::size_t works)> observer) = 0;

  // Called on the writer thread each time a group is rolled back and run again because one
  // of its works failed (see Submit). No-op unless overridden: only SQLite replays groups.
  // REQUIRES: called before the first Submit.
  virtual void SetReplayObserver(std::function<void()> observer) { (void)observer; }

  // Called (on the thread running the transaction) each time the database server ends a
  // transaction as a deadlock victim, before it is retried. No-op unless overridden: only
  // PostgreSQL has lock cycles between transactions (docs/scaling.md, lock order).
  // REQUIRES: called before any unit of work runs concurrently with it.
  virtual void SetDeadlockObserver(std::function<void()> observer) { (void)observer; }

  // Tells the backend a bulk load (a catalogue import) just finished, so that it can refresh
  // what its query planner knows about the tables filled. Blocks. No-op unless overridden:
  // PostgreSQL analyses `products` (PgDatabase::AfterBulkLoad).
  virtual Status AfterBulkLoad() { return Status::Ok(); }

  // True when this process may only read the database (SQLite: a file it may not write):
  // every write fails with FailedPrecondition. `serve` refuses such a database.
  virtual bool read_only() const { return false; }

  // Stops the writer after draining what is queued. Further Submits fail with Unavailable.
  // REQUIRES: not called from inside a work or a `done` callback (it would deadlock).
  virtual void Shutdown() = 0;
};

}  // namespace restock::store
