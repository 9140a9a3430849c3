// restock::handoff — sends the hand-off outbox to merchants' platforms (docs/handoff.md,
// "Delivery"). For one merchant, `concurrency` workers each claim one due request at a
// time, POST it over their own kept-alive connection and record the answer
// (handoff/outcomes.h) in one transaction. A claim is a lease of timeout + 30 s: a process
// that dies mid-request lets it run out, and any later run (this node or another) sends the
// request again under the same Idempotency-Key. Each merchant's requests run on its own
// workers, so a slow or dead platform never holds another merchant's hand-off.
//
// Thread-safety: SendDue may run for several merchants at once; Abandon from any thread.
// Ownership: borrows the database, clock and registry, which must outlive it.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/target_policy.h"
#include "metrics/registry.h"
#include "model/handoff.h"
#include "model/merchant.h"
#include "placement/policy.h"
#include "store/database.h"

namespace restock::handoff {

// What a round of sending did.
struct HandoffSummary {
  std::size_t sent = 0;          // requests POSTed
  std::size_t placed = 0;        // orders the platform accepted
  std::size_t pending = 0;       // answers that left the order pending (processing, retry)
  std::size_t rejected = 0;      // orders rejected
  std::size_t out_of_stock = 0;  // orders (or split-off parts) moved into the OOS flow
  HandoffSummary& operator+=(const HandoffSummary& o) {
    sent += o.sent;
    placed += o.placed;
    pending += o.pending;
    rejected += o.rejected;
    out_of_stock += o.out_of_stock;
    return *this;
  }
};

// Extra lease time beyond the request timeout (a claim of a dead process is sent again
// after timeout + this).
inline constexpr UnixMicros kLeaseMargin = 30'000'000;

class Sender {
 public:
  // `registry` may be null (no metrics).
  Sender(store::Database& db, const Clock& clock, core::TargetPolicy targets,
         placement::FlowOptions flow, metrics::Registry* registry);
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Sends `merchant`'s due requests to `target` until none is due (requests re-queued by an
  // out-of-stock answer included); `day` is the run's day (the merchant's local date). Blocks.
  // Store errors are returned; a platform's failure is an answer, not an error.
  Result<HandoffSummary> SendDue(const model::Merchant& merchant,
                                 const model::PlacementTarget& target, CivilDate day);

  // Makes requests in flight, and later ones, end at once; their requests go back unanswered
  // (due again). Irreversible (shutdown).
  void Abandon() { abandoned_.store(true); }

 private:
  class Worker;

  store::Database& db_;
  const Clock& clock_;
  const core::TargetPolicy targets_;
  const placement::FlowOptions flow_;
  metrics::Registry* registry_;
  const std::string node_;  // random per process: claim tokens are unique across nodes
  std::atomic<std::uint64_t> claims_{0};
  std::atomic<bool> abandoned_{false};
};

}  // namespace restock::handoff
