// restock::placement — the daily placement task and the out-of-stock retries (docs/placement.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "placement/policy.h"
#include "store/database.h"

namespace restock::placement {

// Whether a run for `date` may start when the merchant's local day is `local_today`: the
// date must lie in 0001-01-01..9999-12-31, and a date more than one day after `local_today`
// needs `force` (such a run cancels waiting out-of-stock orders before their time, and
// cannot be undone). InvalidArgument with a message naming --force otherwise.
Status CheckRunDate(CivilDate date, CivilDate local_today, bool force);

// Thread-safe: calls may run concurrently (each chunk is its own transaction, serialised by
// the database). Does not own the database or the clock, which must outlive it.
class PlacementService {
 public:
  using Progress = std::function<void(const PlacementSummary& so_far)>;
  // Called with what each durable chunk did (metrics), from the thread running the call; and
  // by Run with the hand-off requests it made due (handoffs_due), before its chunks.
  using ChunkObserver = std::function<void(const PlacementSummary& chunk)>;

  PlacementService(store::Database& db, const Clock& clock, FlowOptions options)
      : db_(db), clock_(clock), options_(std::move(options)) {}

  // Runs placement for `merchant` on its local day `date`: every unsent order due on or
  // before `date` and every order in the out-of-stock flow. Works in chunks of
  // options.chunk_size orders, each committed on its own through the group-commit writer, so
  // stock updates interleave with a long run and memory stays bounded. Blocks until done.
  // Safe to re-run for the same day or after a crash: placed orders are never placed again.
  // First makes the merchant's hand-offs waiting for a run due (docs/handoff.md).
  // `progress` (optional) is called after each chunk. Then writes the order.oos_predicted
  // events the run's day calls for (placement/oos_prediction.h); a failure there is logged,
  // not returned (the run's decisions are committed).
  Result<PlacementSummary> Run(const model::Merchant& merchant, CivilDate date,
                               const Progress& progress = nullptr);

  // Rule 5: retries at once the out-of-stock orders waiting on any of `product_ids` (a
  // product came back). Same decisions as a run on `date`, for those orders only.
  Result<PlacementSummary> RetryWaiting(const model::Merchant& merchant,
                                        std::vector<std::string> product_ids, CivilDate date);

  const FlowOptions& options() const { return options_; }

  // Sets the observer of every later chunk. REQUIRES: no call running.
  void SetChunkObserver(ChunkObserver observer) { observer_ = std::move(observer); }

 private:
  // A query for the next chunk of orders after `after_id`.
  using ChunkQuery =
      std::function<Result<store::PlacementPage>(store::Transaction&, std::int64_t after_id)>;
  Result<PlacementSummary> RunChunks(const model::Merchant& merchant, CivilDate date,
                                     const ChunkQuery& query, const Progress& progress);

  store::Database& db_;
  const Clock& clock_;
  const FlowOptions options_;
  ChunkObserver observer_;
};

}  // namespace restock::placement
