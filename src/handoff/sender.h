// restock::handoff — sends the hand-off outbox to merchants' platforms (docs/handoff.md,
// "Delivery"). For one merchant, `concurrency` workers each POST over their own kept-alive
// connection. Requests are claimed in batches (ClaimBatchSize) in one transaction, each a
// lease of timeout + 30 s: a process that dies mid-request lets it run out, and any later run
// (this node or another) sends the request again under the same Idempotency-Key. A claimed
// request is sent only while its lease outlasts the request's timeout by kSendMargin;
// otherwise it goes back unsent (due again). Each answer is recorded (handoff/outcomes.h) in
// one unit of work with the end of its claim, submitted to the database's group commit
// (store::Database::Submit), so the answers that arrive together share one transaction. Each
// merchant's requests run on its own workers, so a slow or dead platform never holds another
// merchant's hand-off.
//
// Thread-safety: SendDue may run for several merchants at once; Abandon from any thread.
// Ownership: borrows the database, clock and registry, which must outlive it.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/target_policy.h"
#include "metrics/registry.h"
#include "model/handoff.h"
#include "model/merchant.h"
#include "placement/policy.h"
#include "store/database.h"
#include "webhooks/poster.h"

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
// A claimed request is sent only while its lease ends at least this long after the request's
// timeout would (time to record the answer, and for other nodes' clocks); a request that
// waited too long in its batch goes back unsent and is claimed again with a fresh lease.
inline constexpr UnixMicros kSendMargin = 10'000'000;

// How many due requests one claim takes for a merchant sending `concurrency` at once.
std::size_t ClaimBatchSize(int concurrency);

// One worker's connection to the platform (a kept-alive libcurl handle). Not thread-safe.
class Channel {
 public:
  virtual ~Channel() = default;
  // POSTs `body` with `headers`; `timeout` covers connect, send and the complete answer.
  virtual webhooks::PostResult Post(
      const std::string& url, const std::string& body,
      const std::vector<std::pair<std::string, std::string>>& headers, UnixMicros timeout) = 0;
};
// Makes a worker's channel; a request in flight ends at once (`abandoned` in its result) when
// `*abandoned` turns true.
using ChannelFactory = std::function<std::unique_ptr<Channel>(const std::atomic<bool>* abandoned)>;

class Sender {
 public:
  // `registry` may be null (no metrics).
  Sender(store::Database& db, const Clock& clock, core::TargetPolicy targets,
         placement::FlowOptions flow, metrics::Registry* registry);
  // The same, POSTing through the channels `channels` makes (tests).
  Sender(store::Database& db, const Clock& clock, placement::FlowOptions flow,
         metrics::Registry* registry, ChannelFactory channels);
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
  class Run;

  store::Database& db_;
  const Clock& clock_;
  const ChannelFactory channels_;
  const placement::FlowOptions flow_;
  metrics::Registry* registry_;
  const std::string node_;  // random per process: claim tokens are unique across nodes
  std::atomic<std::uint64_t> claims_{0};
  std::atomic<bool> abandoned_{false};
};

}  // namespace restock::handoff
