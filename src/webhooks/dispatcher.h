// restock::webhooks — delivers the outbox: claims due deliveries, POSTs them signed, records
// every attempt in the delivery log and reschedules failures with capped exponential
// backoff (retry_policy.h). At least once: a delivery is marked delivered only after a 2xx,
// and a claim is a lease — if the process dies mid-delivery the lease runs out and any
// `serve` on the database (this one after a restart, or another node) tries again.
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

  // One round: claims up to `batch` due deliveries and attempts each once. Returns how many
  // were attempted. Store errors are returned; a receiver's failure is not an error.
  Result<std::size_t> RunOnce();

  // Starts the worker threads, which call RunOnce until it finds nothing due, then wait for
  // Wake() or the poll interval. REQUIRES: not started.
  void Start();
  // Makes idle workers look at the outbox now (e.g. after a commit that enqueued).
  void Wake();
  // Stops and joins the workers; an attempt in flight finishes first. Idempotent.
  void Stop();

 private:
  void WorkerLoop();
  std::string NextToken();

  store::Database& db_;
  const Clock& clock_;
  Poster& poster_;
  const DispatcherOptions options_;
  const std::string node_;  // random per process: claim tokens are unique across nodes
  std::atomic<std::uint64_t> claims_{0};
  metrics::Counter* delivered_ = nullptr;
  metrics::Counter* retried_ = nullptr;
  metrics::Counter* failed_ = nullptr;
  metrics::Counter* lost_lease_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::uint64_t wakes_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace restock::webhooks
