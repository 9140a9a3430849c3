// restock::catalog — applying product updates and recording stock events (docs/api.md
// "Batch update", "Stock events"). This is where "what changed" is decided; storage only
// loads and saves.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "catalog/idempotency.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "model/product.h"
#include "model/stock_event.h"
#include "store/database.h"

namespace restock::catalog {

// kConflict: the element's `if_inventory` or `inventory_adjust` does not hold against the
// stored inventory (see Conflicts); nothing of that element was applied.
enum class PatchOutcome { kCreated, kUpdated, kUnchanged, kNotFound, kAlreadyExists, kConflict };

// What happens to products that do not exist yet, and to those that do. A created product
// takes the patch's fields; absent ones take their defaults (live, not discontinued,
// autoship enabled, untracked inventory).
enum class ApplyMode {
  kUpdate,  // existing products are updated; missing ones are kNotFound
  kUpsert,  // existing products are updated; missing ones are created
  kCreate,  // missing products are created; existing ones are kAlreadyExists, untouched
};

struct ApplyOptions {
  model::StockSource source = model::StockSource::kApi;
  UnixMicros now = 0;
  ApplyMode mode = ApplyMode::kUpdate;
};

// Why an element's `if_inventory` or `inventory_adjust` does not hold.
enum class ConflictReason {
  kNone,
  kInventoryMismatch,  // the stored inventory differs from `if_inventory`
  kUntracked,          // `inventory_adjust` on a product whose inventory is untracked
  kNegative,           // `inventory_adjust` would take the inventory below zero
  kOutOfRange,         // `inventory_adjust` would take it past the largest count
};

// What stops `patch` from applying to a product whose stored inventory is `inventory`
// (nullopt = untracked, or no such product yet); kNone when nothing does.
ConflictReason Conflicts(const model::ProductPatch& patch, std::optional<std::int64_t> inventory);

// A sentence for clients saying what `reason` means ("" for kNone).
std::string_view ConflictMessage(ConflictReason reason);

// Applies `product` <- `patch`, `inventory_adjust` added to the stored count. Returns true
// when any field changed. Raising the inventory of a sold-out (0 units, live:false) product
// also sets live:true, unless `patch` sets live.
// REQUIRES: Conflicts(patch, product.inventory) == ConflictReason::kNone.
bool ApplyPatch(const model::ProductPatch& patch, model::Product& product);

// The outcome of each patch of one call, aligned with the input.
struct PatchResults {
  std::vector<PatchOutcome> outcomes;
  // Per patch, for kConflict: why, and the stored inventory the patch was checked against
  // (nullopt = untracked). Default (kNone, nullopt) for the other outcomes.
  struct Conflict {
    ConflictReason reason = ConflictReason::kNone;
    std::optional<std::int64_t> inventory;
  };
  std::vector<Conflict> conflicts;
};

struct AppliedPatches {
  PatchResults results;
  std::vector<model::StockEvent> events;  // as written
};

// Applies `patches` in order inside `tx`, as one set-based load and one save: every element
// sees the effect of the ones before it (duplicates are applied in order), and the guards of
// each (Conflicts) are checked against the row as locked by `tx`, so concurrent adjustments
// never lose one another. Writes a stock event for each element that changes live,
// discontinued or inventory. Store errors are returned unchanged.
Result<AppliedPatches> ApplyPatches(store::Transaction& tx, model::MerchantId merchant,
                                    std::span<const model::ProductPatch> patches,
                                    const ApplyOptions& options);

// What a unit of work applying `patches` locks: their products, taken with the whole
// group's in one global order (store::WorkLocks).
store::WorkLocks LocksFor(model::MerchantId merchant, std::span<const model::ProductPatch> patches);

// The product update service used by the HTTP API, the CLI and importers.
// Thread-safe. Does not own the database or the clock, which must outlive it.
class StockService {
 public:
  using Done = std::function<void(Result<PatchResults>)>;
  // Receives the stock events of each committed update, on the database writer thread: it
  // must return quickly (post real work elsewhere).
  using CommitListener =
      std::function<void(model::MerchantId, const std::vector<model::StockEvent>&)>;

  StockService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Updates existing products through the database's group-commit writer; unknown products
  // are kNotFound. `done` runs once, on the writer thread, after the changes are durable.
  void UpdateAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                   model::StockSource source, Done done);

  // Creates new products through the group-commit writer (POST /products-batch/create/):
  // each outcome is kCreated, or kAlreadyExists for a product that existed before (or was
  // created by an earlier element of the same call). `done` as for UpdateAsync.
  void CreateAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                   model::StockSource source, Done done);

  // Renders the answer to a keyed request from its outcomes. Runs on the writer thread,
  // inside the transaction, possibly more than once (the last answer counts).
  using Render = std::function<Answer(const PatchResults&)>;
  using KeyedDone = std::function<void(Result<KeyedAnswer>)>;

  // UpdateAsync (mode kUpdate) or CreateAsync (mode kCreate), made idempotent by `key`
  // (catalog/idempotency.h): in one transaction, either the key's stored answer is found
  // (kReplayed, or kMismatch when `key.request_hash` differs; nothing applied), or the patches
  // are applied and `render`'s answer is stored with them for kIdempotencyWindow (kApplied).
  // A request with the same key committed meanwhile by another transaction (another node) is
  // waited for, then answered as found. FailedPrecondition when that happens again (the key
  // is busy). Store errors as UpdateAsync. Every so often also deletes expired keys (in the
  // same transaction), so the table holds about one window of keys.
  // REQUIRES: mode is kUpdate or kCreate.
  void SubmitKeyedAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                        model::StockSource source, ApplyMode mode, IdempotencyKey key,
                        Render render, KeyedDone done);

  // REQUIRES: called before the first UpdateAsync.
  void SetCommitListener(CommitListener listener) { listener_ = std::move(listener); }

  // Creates or updates products in one transaction on the calling thread. Blocks.
  Result<PatchResults> Upsert(model::MerchantId merchant,
                              std::span<const model::ProductPatch> patches,
                              model::StockSource source);

 private:
  void SubmitAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                   model::StockSource source, ApplyMode mode, Done done);

  struct KeyedWork;
  void SubmitKeyed(std::shared_ptr<KeyedWork> work, int attempts_left);

  store::Database& db_;
  const Clock& clock_;
  CommitListener listener_;
  std::atomic<std::uint64_t> keyed_calls_{0};  // every so often one prunes expired keys
};

}  // namespace restock::catalog
