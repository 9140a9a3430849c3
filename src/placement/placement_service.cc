#include "placement/placement_service.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include "model/subscription.h"
#include "placement/oos_prediction.h"
#include "placement/order_processor.h"

namespace restock::placement {
namespace {

// Where the next chunk starts. Read and written only by the run's works, which the database
// runs one after the other (on its writer thread), so each chunk starts where the last
// execution of the chunk before it ended.
struct RunState {
  std::int64_t after_id = 0;
  // Orders split off earlier in this run: decided for today already.
  std::unordered_set<std::int64_t> split_ids;
};

// One chunk. The work fills `result` (again, from scratch, when the database retries it)
// and sets `ran`; `done` is set once the chunk is committed and durable, or failed.
struct Chunk {
  // Set by the first execution of the work, so that a retried work starts where it did.
  bool started = false;
  std::int64_t start_after = 0;
  PlacementSummary summary;
  std::vector<store::UnreadableOrder> unreadable;
  std::size_t fetched = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool ran = false;       // guarded by mu: the work has run (at least once)
  bool last = false;      // guarded by mu: ...and found fewer orders than a chunk
  bool finished = false;  // guarded by mu
  Status status;          // guarded by mu: the chunk's outcome, once finished
};

}  // namespace

Status CheckRunDate(CivilDate date, CivilDate local_today, bool force) {
  if (!model::IsSupportedDate(date)) {
    return InvalidArgumentError("--date must lie within " + FormatDate(model::kFirstSupportedDate) +
                                " to " + FormatDate(model::kLastSupportedDate));
  }
  if (!force && DaysFromCivil(date) > DaysFromCivil(local_today) + 1) {
    return InvalidArgumentError("--date " + FormatDate(date) +
                                " is more than one day after the merchant's today (" +
                                FormatDate(local_today) +
                                "); such a run cancels waiting out-of-stock orders early and "
                                "cannot be undone: add --force to run it");
  }
  return Status::Ok();
}

// Chunk k + 1 is submitted as soon as chunk k's work has run, not once chunk k is durable:
// the writer executes it while chunk k's WAL is being flushed, instead of waiting for the
// flush with nothing to do. A chunk's work runs only after the one before it (the writer
// runs works in order), so it still starts where that one ended and sees its writes.
// Should chunk k fail, the run fails; a chunk k + 1 already queued may still commit, which
// leaves the same state as a run interrupted after it (its orders are decided, chunk k's
// are still due for the next run).
Result<PlacementSummary> PlacementService::RunChunks(const model::Merchant& merchant,
                                                     CivilDate date, const ChunkQuery& query,
                                                     const Progress& progress) {
  auto state = std::make_shared<RunState>();
  const std::size_t chunk_size = options_.chunk_size;
  auto submit = [&]() {
    auto chunk = std::make_shared<Chunk>();
    db_.Submit(
        [&, state, chunk](store::Transaction& tx) -> Status {
          if (!chunk->started) {
            chunk->started = true;
            chunk->start_after = state->after_id;
          }
          // A retried work starts again from scratch: forget what its last attempt split.
          for (std::int64_t id : chunk->summary.split_order_ids) state->split_ids.erase(id);
          chunk->summary = PlacementSummary{};
          RESTOCK_ASSIGN_OR_RETURN(store::PlacementPage page, query(tx, chunk->start_after));
          chunk->fetched = page.orders.size() + page.unreadable.size();
          const std::int64_t last_id = chunk->fetched == 0 ? chunk->start_after : page.LastId();
          std::vector<model::Order> orders = std::move(page.orders);
          std::erase_if(orders,
                        [&](const model::Order& o) { return state->split_ids.count(o.id) > 0; });
          RESTOCK_ASSIGN_OR_RETURN(
              chunk->summary,
              ProcessOrders(tx, merchant, date, std::move(orders), options_, clock_.NowMicros()));
          // One order that cannot be read must not stop the merchant's run: it is left as it
          // is (an operator repairs it), and the run goes on with the others.
          chunk->unreadable = std::move(page.unreadable);
          chunk->summary.unreadable_orders = chunk->unreadable.size();
          state->after_id = last_id;
          state->split_ids.insert(chunk->summary.split_order_ids.begin(),
                                  chunk->summary.split_order_ids.end());
          {
            std::lock_guard<std::mutex> lock(chunk->mu);
            chunk->ran = true;
            chunk->last = chunk->fetched < chunk_size;
          }
          chunk->cv.notify_all();
          return Status::Ok();
        },
        [chunk](Status s) {
          {
            std::lock_guard<std::mutex> lock(chunk->mu);
            chunk->finished = true;
            chunk->status = std::move(s);
          }
          chunk->cv.notify_all();
        },
        // Decides the merchant's orders: its order lock comes first (docs/scaling.md).
        store::WorkLocks{merchant.id, true, {}});
    return chunk;
  };

  PlacementSummary total;
  Status failure;
  std::shared_ptr<Chunk> current = submit();
  while (current != nullptr) {
    std::shared_ptr<Chunk> next;
    {
      std::unique_lock<std::mutex> lock(current->mu);
      current->cv.wait(lock, [&] { return current->ran || current->finished; });
      const bool more = current->ran && !current->last && failure.ok();
      lock.unlock();
      if (more) next = submit();
      lock.lock();
      current->cv.wait(lock, [&] { return current->finished; });
      if (failure.ok()) failure = current->status;
    }
    // Read after `finished`: the work wrote these before the chunk was completed.
    if (failure.ok()) {
      for (const store::UnreadableOrder& bad : current->unreadable) {
        spdlog::error("placement for {} on {}: order {} skipped: {}", merchant.public_id,
                      FormatDate(date), bad.id, bad.reason);
      }
      current->summary.split_order_ids.clear();
      if (observer_) observer_(current->summary);
      total += current->summary;
      if (progress) progress(total);
    }
    // A chunk queued before its predecessor failed is waited for (it refers to this frame),
    // but not followed by another.
    current = std::move(next);
  }
  if (!failure.ok()) return failure;
  return total;
}

Result<PlacementSummary> PlacementService::Run(const model::Merchant& merchant, CivilDate date,
                                               const Progress& progress) {
  const std::size_t limit = options_.chunk_size;
  // Each run retries the hand-offs that wait for one (docs/handoff.md, "Answers").
  PlacementSummary made_due;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(made_due.handoffs_due,
                             tx.handoff().MakeDue(merchant.id, clock_.NowMicros()));
    return Status::Ok();
  }));
  if (made_due.handoffs_due > 0 && observer_) observer_(made_due);
  RESTOCK_ASSIGN_OR_RETURN(
      PlacementSummary summary,
      RunChunks(
          merchant, date,
          [&](store::Transaction& tx, std::int64_t after_id) {
            return tx.orders().ListForPlacement(merchant.id, date, after_id, limit);
          },
          progress));
  // After the day's decisions: what they placed no longer holds stock. A warning that cannot
  // be written does not undo the run: logged, and the next run writes it.
  Result<std::size_t> predicted = PredictOutOfStock(db_, merchant, date, clock_.NowMicros());
  if (predicted.ok()) {
    summary.oos_predicted = *predicted;
  } else {
    spdlog::error("placement for {} on {}: order.oos_predicted not written: {}",
                  merchant.public_id, FormatDate(date), predicted.status().message());
  }
  return summary;
}

Result<PlacementSummary> PlacementService::RetryWaiting(const model::Merchant& merchant,
                                                        std::vector<std::string> product_ids,
                                                        CivilDate date) {
  const std::size_t limit = options_.chunk_size;
  std::vector<std::string_view> ids(product_ids.begin(), product_ids.end());
  return RunChunks(
      merchant, date,
      [&](store::Transaction& tx, std::int64_t after_id) {
        return tx.orders().ListOutOfStockWithProducts(merchant.id, ids, after_id, limit);
      },
      nullptr);
}

}  // namespace restock::placement
