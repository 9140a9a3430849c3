// restock::webhooks — delivers the outbox: claims one endpoint's due deliveries at a time,
// POSTs them signed, records every attempt in the delivery log and reschedules failures with
// capped exponential backoff (retry_policy.h). Endpoints are isolated from each other: an
// endpoint has at most one claim (one request in flight) at a time, endpoints take turns,
// and an endpoint whose attempt fails backs off as a whole — its other deliveries go back
// unattempted and it is not claimed again until the backoff ends — so a slow or dead
// receiver holds at most one worker for at most one timeout per backoff step.
// At least once: a delivery is marked delivered only after a 2xx, and a claim is a lease —
// if the process dies mid-delivery the lease runs out and any `serve` on the database (this
// one after a restart, or another node) tries again.
//
// Thread-safety: RunOnce may be called from several threads at once (each claim is its
// own); Start/Stop/Wake from any thread. Ownership: borrows the database, clock, poster and
// metrics registry, which must outlive it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "metrics/registry.h"
#include "store/database.h"
#include "webhooks/poster.h"
#include "webhooks/retry_policy.h"

namespace restock::webhooks {

// Most deliveries one worker may claim at a time (a lease is batch × timeout long).
inline constexpr std::size_t kMaxDispatcherBatch = 1000;

struct DispatcherOptions {
  RetryPolicy retry;
  int workers = 2;                       // threads started by Start()
  std::size_t batch = 8;                 // deliveries claimed at a time by one worker
  UnixMicros poll_interval = 1'000'000;  // idle wait between looks at the outbox
  // Extra lease time beyond batch * timeout, so a slow but live worker keeps its claim.
  UnixMicros lease_margin = 30'000'000;
  // How long Stop() lets attempts in flight finish before abandoning them.
  UnixMicros shutdown_grace = 2'000'000;
  // Delivered / failed deliveries and attempts older than this are deleted (0: kept).
  UnixMicros retention = 30LL * 86'400 * 1'000'000;
  // How often an idle worker prunes (PruneDeliveryHistory).
  UnixMicros prune_interval = 3600LL * 1'000'000;
};

// InvalidArgument naming the setting when one is out of range.
Status ValidateDispatcherOptions(const DispatcherOptions& options);

class Dispatcher {
 public:
  // `registry` may be null (no metrics).
  Dispatcher(store::Database& db, const Clock& clock, Poster& poster, DispatcherOptions options,
             metrics::Registry* registry);
  ~Dispatcher();  // stops the workers
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // One round: claims up to `batch` due deliveries of one endpoint and attempts them in
  // order until one fails (the endpoint then backs off and the rest go back unattempted) or
  // the dispatcher is stopping. Returns how many deliveries were claimed (0: nothing due).
  // Store errors are returned; a receiver's failure is not an error.
  Result<std::size_t> RunOnce();

  // Starts the worker threads, which call RunOnce until it finds nothing due, then wait for
  // Wake() or the poll interval. REQUIRES: not started.
  void Start();
  // Makes idle workers look at the outbox now (e.g. after a commit that enqueued).
  void Wake();
  // Tells the workers to take no new claims and returns at once (Stop() then waits for them):
  // shutdown can close the listener while a worker still waits on the database.
  void RequestStop();
  // Stops and joins the workers: no new claims; attempts in flight get
  // `shutdown_grace` to finish and are then abandoned (recorded as a retry, due at once);
  // claimed deliveries not yet attempted go back unattempted and the endpoint's claim ends,
  // so the next start or another node delivers them without waiting for the lease.
  // Idempotent.
  void Stop();

 private:
  struct Attempted;
  void WorkerLoop();
  std::string NextToken();
  bool stopping();
  // Prunes the delivery history when retention is on and the last pruning is old enough.
  void MaybePrune();
  // POSTs `delivery` to `endpoint` and records the attempt under claim `token`.
  Result<Attempted> Attempt(const model::WebhookEndpoint& endpoint,
                            const model::WebhookDelivery& delivery, const std::string& token);

  store::Database& db_;
  const Clock& clock_;
  Poster& poster_;
  const DispatcherOptions options_;
  const std::string node_;  // random per process: claim tokens are unique across nodes
  std::atomic<std::uint64_t> claims_{0};
  std::atomic<UnixMicros> next_prune_{0};
  metrics::Counter* delivered_ = nullptr;
  metrics::Counter* retried_ = nullptr;
  metrics::Counter* failed_ = nullptr;
  metrics::Counter* lost_lease_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::uint64_t wakes_ = 0;
  int running_ = 0;  // worker threads not yet returned
  std::condition_variable exited_;
  std::vector<std::thread> threads_;
};

}  // namespace restock::webhooks
