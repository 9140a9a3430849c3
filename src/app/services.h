// restock::app — what `restock serve` runs: the database and its metrics (Storage), and the
// services and background threads built on it (Services), in the order they are built.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <vector>

#include "api/merchant_endpoint.h"
#include "api/rate_limits.h"
#include "app/config.h"
#include "auth/authenticator.h"
#include "auth/store_credential_source.h"
#include "auth/store_replay_guard.h"
#include "catalog/stock_update.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/target_policy.h"
#include "handoff/service.h"
#include "metrics/registry.h"
#include "placement/placement_service.h"
#include "placement/restock_trigger.h"
#include "placement/scheduler.h"
#include "placement/stock_event_follower.h"
#include "store/database.h"
#include "webhooks/curl_poster.h"
#include "webhooks/dispatcher.h"

namespace restock::app {

// The settings RunServe derives and checks before it opens anything.
struct ServicesOptions {
  webhooks::DispatcherOptions delivery;
  placement::FlowOptions flow;
  // CIDRs webhook targets may name although private (--allow-private-targets).
  std::vector<core::Cidr> allowed_targets;
};

// The migrated database, the clock, and the metrics registry with the group-commit metrics.
struct Storage {
  SystemClock clock;
  // The dispatcher to wake after commits that enqueue deliveries (null until it exists).
  std::atomic<webhooks::Dispatcher*> dispatcher{nullptr};
  metrics::Registry registry;
  std::unique_ptr<store::Database> db;
};

// Opens and migrates the database of `config`. InvalidArgument for a bad URL or path,
// Unavailable when a reachable database cannot be opened now.
Result<std::unique_ptr<Storage>> OpenStorage(const ServeConfig& config);

// The worker pool, authentication, catalog, placement, restock retries, scheduler, webhook
// dispatcher and rate limits. Not thread-safe itself; each member states its own.
// Does not own `storage`, which must outlive it.
class Services {
 public:
  Services(const ServeConfig& config, const ServicesOptions& options, Storage& opened);
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Starts following other processes' stock events, and the scheduler and the webhook
  // dispatcher when `config` enables them.
  void StartBackground(const ServeConfig& config);
  // Webhook delivery takes no new claims; returns at once (Stop() waits for the workers,
  // giving attempts in flight the shutdown grace).
  void StopDelivery();
  // Stops the scheduler, webhook workers, the stock-event follower and restock retries, then the
  // worker pool, then the database's writer. REQUIRES: no request is in flight (the server
  // stopped).
  void Stop();

  Storage& storage;
  boost::asio::thread_pool workers;
  api::Executor executor;
  auth::StoreCredentialSource credentials;
  auth::StoreReplayGuard replay_guard;
  auth::Authenticator authenticator;
  catalog::StockService stock;
  placement::PlacementService placement;
  placement::ZoneCache zones;
  boost::asio::thread_pool background;  // restock retries, one at a time off the request path
  placement::RestockTrigger trigger;
  // Hands the restocks other processes commit (CLI, imports) to `trigger`.
  placement::StockEventFollower follower;
  placement::Scheduler scheduler;
  const core::TargetPolicy targets;  // where webhooks may be sent (docs/security.md)
  webhooks::CurlPoster poster;
  webhooks::Dispatcher dispatcher;
  handoff::HandoffService handoff;  // placed orders to merchants' platforms (docs/handoff.md)
  api::RateLimits rate_limits;
};

}  // namespace restock::app
