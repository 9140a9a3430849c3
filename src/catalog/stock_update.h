// restock::catalog — applying product updates and recording stock events (docs/api.md
// "Batch update", "Stock events"). This is where "what changed" is decided; storage only
// loads and saves.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "model/product.h"
#include "model/stock_event.h"
#include "store/database.h"

namespace restock::catalog {

enum class PatchOutcome { kCreated, kUpdated, kUnchanged, kNotFound, kAlreadyExists };

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

// Applies `product` <- `patch`. Returns true when any field changed. Raising the inventory
// of a sold-out (0 units, live:false) product also sets live:true, unless `patch` sets live.
bool ApplyPatch(const model::ProductPatch& patch, model::Product& product);

struct AppliedPatches {
  std::vector<PatchOutcome> outcomes;  // one per patch, aligned with the input
  std::vector<model::StockEvent> events;  // as written
};

// Applies `patches` in order inside `tx`, as one set-based load and one save: every element
// sees the effect of the ones before it (duplicates are applied in order). Writes a stock
// event for each element that changes live, discontinued or inventory. Store errors are
// returned unchanged.
Result<AppliedPatches> ApplyPatches(store::Transaction& tx, model::MerchantId merchant,
                                    std::span<const model::ProductPatch> patches,
                                    const ApplyOptions& options);

// The product update service used by the HTTP API, the CLI and importers.
// Thread-safe. Does not own the database or the clock, which must outlive it.
class StockService {
 public:
  using Done = std::function<void(Result<std::vector<PatchOutcome>>)>;
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

  // REQUIRES: called before the first UpdateAsync.
  void SetCommitListener(CommitListener listener) { listener_ = std::move(listener); }

  // Creates or updates products in one transaction on the calling thread. Blocks.
  Result<std::vector<PatchOutcome>> Upsert(model::MerchantId merchant,
                                           std::span<const model::ProductPatch> patches,
                                           model::StockSource source);

 private:
  void SubmitAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                   model::StockSource source, ApplyMode mode, Done done);

  store::Database& db_;
  const Clock& clock_;
  CommitListener listener_;
};

}  // namespace restock::catalog
