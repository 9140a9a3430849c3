#include "catalog/stock_update.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace restock::catalog {
namespace {

template <typename T>
bool Assign(const std::optional<T>& from, T& to) {
  if (!from || *from == to) return false;
  to = *from;
  return true;
}

model::StockState StateOf(const model::Product& p) { return {p.live, p.discontinued, p.inventory}; }

// A product as loaded, and as it stands after the elements applied so far.
struct Working {
  bool exists = false;
  bool created = false;  // did not exist before this batch
  bool dirty = false;    // changed since loaded
  model::Product product;
};

}  // namespace

ConflictReason Conflicts(const model::ProductPatch& patch, std::optional<std::int64_t> inventory) {
  if (patch.if_inventory && *patch.if_inventory != inventory) {
    return ConflictReason::kInventoryMismatch;
  }
  if (!patch.inventory_adjust) return ConflictReason::kNone;
  if (!inventory) return ConflictReason::kUntracked;
  std::int64_t result = 0;
  if (__builtin_add_overflow(*inventory, *patch.inventory_adjust, &result)) {
    return *patch.inventory_adjust < 0 ? ConflictReason::kNegative : ConflictReason::kOutOfRange;
  }
  return result < 0 ? ConflictReason::kNegative : ConflictReason::kNone;
}

std::string_view ConflictMessage(ConflictReason reason) {
  switch (reason) {
    case ConflictReason::kNone:
      return "";
    case ConflictReason::kInventoryMismatch:
      return "The inventory does not equal if_inventory.";
    case ConflictReason::kUntracked:
      return "inventory_adjust needs a tracked inventory.";
    case ConflictReason::kNegative:
      return "inventory_adjust would make the inventory negative.";
    case ConflictReason::kOutOfRange:
      return "inventory_adjust would make the inventory too large.";
  }
  return "";
}

bool ApplyPatch(const model::ProductPatch& patch, model::Product& product) {
  const bool was_sold_out = product.inventory && *product.inventory == 0;
  bool changed = false;
  changed |= Assign(patch.sku, product.sku);
  changed |= Assign(patch.name, product.name);
  changed |= Assign(patch.price_cents, product.price_cents);
  changed |= Assign(patch.live, product.live);
  changed |= Assign(patch.discontinued, product.discontinued);
  changed |= Assign(patch.autoship_enabled, product.autoship_enabled);
  changed |= Assign(patch.image_url, product.image_url);
  changed |= Assign(patch.detail_url, product.detail_url);
  changed |= Assign(patch.inventory, product.inventory);
  changed |= Assign(patch.low_stock_threshold, product.low_stock_threshold);
  if (patch.inventory_adjust && *patch.inventory_adjust != 0) {
    *product.inventory += *patch.inventory_adjust;
    changed = true;
  }
  // The mirror of placement's rule 8 (sold out flips live:false): units arriving for a sold-out
  // product bring it back (docs/placement.md: "live:true or inventory up"), unless the same
  // element says what `live` should be.
  if (was_sold_out && !patch.live && product.inventory && *product.inventory > 0 && !product.live) {
    product.live = true;
    changed = true;
  }
  return changed;
}

namespace {

// Every distinct product of `patches` once, in first-seen order (`ids`): patch k works on
// the product ids[slot_of[k]] (one hash lookup per patch; in 1,000-product batches the lookups
// showed in profiles). Small batches (most requests carry one product) scan instead of
// building a map.
struct Slots {
  std::vector<std::string_view> ids;
  std::vector<std::size_t> slot_of;
};

Slots SlotsOf(std::span<const model::ProductPatch> patches) {
  constexpr std::size_t kScanAtMost = 8;
  const bool hashed = patches.size() > kScanAtMost;
  std::unordered_map<std::string_view, std::size_t> slot_by_id;
  if (hashed) slot_by_id.reserve(patches.size());
  Slots out;
  out.ids.reserve(patches.size());
  out.slot_of.reserve(patches.size());
  for (const auto& patch : patches) {
    std::size_t slot = 0;
    if (hashed) {
      slot = slot_by_id.try_emplace(patch.product_id, out.ids.size()).first->second;
    } else {
      slot = static_cast<std::size_t>(std::find(out.ids.begin(), out.ids.end(), patch.product_id) -
                                      out.ids.begin());
    }
    if (slot == out.ids.size()) out.ids.push_back(patch.product_id);
    out.slot_of.push_back(slot);
  }
  return out;
}

Result<AppliedPatches> ApplyPatchesOnce(store::Transaction& tx, model::MerchantId merchant,
                                        std::span<const model::ProductPatch> patches,
                                        const ApplyOptions& options) {
  auto [ids, slot_of] = SlotsOf(patches);
  RESTOCK_ASSIGN_OR_RETURN(auto loaded, tx.products().FindMany(merchant, ids));
  std::vector<Working> working(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!loaded[i]) continue;
    working[i].exists = true;
    working[i].product = std::move(*loaded[i]);
  }

  PatchResults results;
  std::vector<PatchOutcome>& outcomes = results.outcomes;
  outcomes.reserve(patches.size());
  results.conflicts.resize(patches.size());
  std::vector<model::StockEvent> events;
  for (std::size_t k = 0; k < patches.size(); ++k) {
    const model::ProductPatch& patch = patches[k];
    Working& w = working[slot_of[k]];
    if (w.exists && options.mode == ApplyMode::kCreate) {
      outcomes.push_back(PatchOutcome::kAlreadyExists);
      continue;
    }
    if (!w.exists && options.mode == ApplyMode::kUpdate) {
      outcomes.push_back(PatchOutcome::kNotFound);
      continue;
    }
    // A product about to be created has no tracked inventory yet.
    const std::optional<std::int64_t> stored =
        w.exists ? w.product.inventory : std::optional<std::int64_t>();
    if (ConflictReason why = Conflicts(patch, stored); why != ConflictReason::kNone) {
      outcomes.push_back(PatchOutcome::kConflict);
      results.conflicts[k] = {why, stored};
      continue;
    }
    if (!w.exists) {
      w.exists = w.created = w.dirty = true;
      w.product = model::Product{};
      w.product.product_id = patch.product_id;
      w.product.created = w.product.last_update = options.now;
      ApplyPatch(patch, w.product);
      outcomes.push_back(PatchOutcome::kCreated);
      continue;
    }
    model::StockState before = StateOf(w.product);
    if (!ApplyPatch(patch, w.product)) {
      outcomes.push_back(PatchOutcome::kUnchanged);
      continue;
    }
    w.dirty = true;
    w.product.last_update = options.now;
    outcomes.push_back(PatchOutcome::kUpdated);
    model::StockState after = StateOf(w.product);
    if (before != after) {
      events.push_back(model::StockEvent{0, merchant, w.product.product_id, before, after,
                                         options.source, options.now});
    }
  }

  std::vector<model::Product> inserts;
  std::vector<model::Product> updates;
  for (Working& w : working) {
    if (!w.dirty) continue;
    (w.created ? inserts : updates).push_back(std::move(w.product));
  }
  // Events before the updates: the store's write order (store::StockEventRepo::Append).
  if (!inserts.empty()) RESTOCK_RETURN_IF_ERROR(tx.products().Insert(merchant, inserts));
  if (!events.empty()) RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(events));
  if (!updates.empty()) RESTOCK_RETURN_IF_ERROR(tx.products().Update(merchant, updates));
  return AppliedPatches{std::move(results), std::move(events)};
}

}  // namespace

Result<AppliedPatches> ApplyPatches(store::Transaction& tx, model::MerchantId merchant,
                                    std::span<const model::ProductPatch> patches,
                                    const ApplyOptions& options) {
  // Another process (a second node on PostgreSQL) may create one of the new products between
  // the lookup and the insert: the insert then fails whole, and nothing was written yet (it
  // is the first write). Looking again sees that product, so its elements get their own
  // outcome ("already exists" when creating, an update when upserting) and the rest apply.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    Result<AppliedPatches> applied = ApplyPatchesOnce(tx, merchant, patches, options);
    if (applied.ok() || applied.status().code() != StatusCode::kAlreadyExists ||
        attempt == kAttempts) {
      return applied;
    }
  }
}

store::WorkLocks LocksFor(model::MerchantId merchant,
                          std::span<const model::ProductPatch> patches) {
  store::WorkLocks locks{merchant, false, {}};
  locks.products.reserve(patches.size());
  for (const model::ProductPatch& p : patches) locks.products.push_back(p.product_id);
  return locks;
}

void StockService::UpdateAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                               model::StockSource source, Done done) {
  SubmitAsync(merchant, std::move(patches), source, ApplyMode::kUpdate, std::move(done));
}

void StockService::CreateAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                               model::StockSource source, Done done) {
  SubmitAsync(merchant, std::move(patches), source, ApplyMode::kCreate, std::move(done));
}

void StockService::SubmitAsync(model::MerchantId merchant, std::vector<model::ProductPatch> patches,
                               model::StockSource source, ApplyMode mode, Done done) {
  // The outcomes are produced inside the work and handed to `done` only after the commit,
  // so a client never hears "applied" for something that could still roll back.
  auto applied = std::make_shared<AppliedPatches>();
  store::WorkLocks locks = LocksFor(merchant, patches);
  auto shared_patches = std::make_shared<std::vector<model::ProductPatch>>(std::move(patches));
  db_.Submit(
      [this, merchant, source, mode, applied, shared_patches](store::Transaction& tx) -> Status {
        ApplyOptions options{source, clock_.NowMicros(), mode};
        RESTOCK_ASSIGN_OR_RETURN(*applied, ApplyPatches(tx, merchant, *shared_patches, options));
        return Status::Ok();
      },
      [this, merchant, applied, done = std::move(done)](Status status) {
        if (!status.ok()) return done(std::move(status));
        if (listener_ && !applied->events.empty()) listener_(merchant, applied->events);
        done(std::move(applied->results));
      },
      std::move(locks));
}

Result<PatchResults> StockService::Upsert(model::MerchantId merchant,
                                          std::span<const model::ProductPatch> patches,
                                          model::StockSource source) {
  PatchResults outcomes;
  Status status = db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    ApplyOptions options{source, clock_.NowMicros(), ApplyMode::kUpsert};
    RESTOCK_ASSIGN_OR_RETURN(AppliedPatches applied, ApplyPatches(tx, merchant, patches, options));
    outcomes = std::move(applied.results);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return outcomes;
}

}  // namespace restock::catalog
