#include "app/services.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>

#include "app/database_factory.h"
#include "core/thread_name.h"

namespace restock::app {
namespace {

// Wraps a task for an Asio thread pool so the pool's thread carries `name` (once per thread).
// `name` must be a string literal. A lambda, not a std::function: no allocation of its own.
template <typename Task>
auto Named(const char* name, Task task) {
  return [name, task = std::move(task)]() mutable {
    thread_local const char* named = nullptr;
    if (named != name) {
      NameThisThread(name);
      named = name;
    }
    task();
  };
}

// Group sizes and replays of the database's writer, in /metrics.
void ObserveCommits(store::Database& db, metrics::Registry& registry) {
  metrics::Histogram& group_sizes = registry.GetHistogram(
      "restock_commit_group_size", "Works (requests) committed together per transaction.",
      {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
  metrics::Counter& groups = registry.GetCounter("restock_commit_groups_total",
                                                 "Group-commit transactions.");
  db.SetGroupObserver([&group_sizes, &groups](std::size_t works) {
    group_sizes.Observe(static_cast<double>(works));
    groups.Inc();
  });
  metrics::Counter& replays = registry.GetCounter(
      "restock_commit_group_replays_total",
      "Groups rolled back and run again, a savepoint per work, because a work failed (SQLite).");
  db.SetReplayObserver([&replays] { replays.Inc(); });
  metrics::Counter& deadlocks = registry.GetCounter(
      "restock_db_deadlocks_total",
      "Transactions the database ended as deadlock victims, before retrying them (PostgreSQL).");
  db.SetDeadlockObserver([&deadlocks] { deadlocks.Inc(); });
}

// What placement runs skipped, oversold and could not read, in /metrics; and the hand-off
// woken as soon as a run made requests due (orders decided for a merchant with a placement
// target, or requests that waited for a run).
void ObservePlacement(placement::PlacementService& placement, metrics::Registry& registry,
                      handoff::HandoffService& handoff) {
  metrics::Counter& skipped_cycles = registry.GetCounter(
      "restock_placement_skipped_cycles_total",
      "Subscription cycles skipped (recorded, not placed) because their order was overdue.");
  metrics::Counter& oversold_units =
      registry.GetCounter("restock_placement_oversold_units_total",
                          "Units placed beyond the inventory under the place_anyway policy.");
  metrics::Counter& unreadable_orders = registry.GetCounter(
      "restock_placement_unreadable_orders_total",
      "Orders a placement run skipped because a stored value could not be read.");
  placement.SetChunkObserver([&](const placement::PlacementSummary& chunk) {
    skipped_cycles.Inc(chunk.skipped_cycles);
    oversold_units.Inc(chunk.oversold_units);
    unreadable_orders.Inc(chunk.unreadable_orders);
    if (chunk.pending > 0 || chunk.handoffs_due > 0) handoff.Wake();
  });
}

}  // namespace

Result<std::unique_ptr<Storage>> OpenStorage(const ServeConfig& config) {
  auto storage = std::make_unique<Storage>();
  std::atomic<webhooks::Dispatcher*>& dispatcher = storage->dispatcher;
  DatabaseSettings settings{config.sqlite_synchronous, &storage->clock, [&dispatcher] {
                              if (auto* d = dispatcher.load()) d->Wake();
                            }};
  settings.sqlite_busy_timeout_ms = static_cast<int>(config.sqlite_busy_timeout_ms);
  settings.pg_pool_size = config.pg_pool_size;
  settings.pg_retry_window_ms = static_cast<int>(config.pg_retry_window_ms);
  RESTOCK_ASSIGN_OR_RETURN(storage->db, OpenDatabase(config.db, settings));
  if (storage->db->read_only()) {
    // Not even a read-only API: authentication, placement and webhook delivery all write.
    return FailedPreconditionError("database '" + config.db +
                                   "' is read-only (this process may not write the file or "
                                   "its directory): serve needs write permission");
  }
  RESTOCK_RETURN_IF_ERROR(storage->db->Migrate());
  ObserveCommits(*storage->db, storage->registry);
  return storage;
}

Services::Services(const ServeConfig& config, const ServicesOptions& options, Storage& opened)
    : storage(opened),
      workers(config.workers),
      executor([this](std::function<void()> task) {
        boost::asio::post(workers, Named("restock-worker", std::move(task)));
      }),
      credentials(*storage.db, storage.clock,
                  std::chrono::seconds(config.credential_cache_seconds)),
      replay_guard(*storage.db, storage.clock),
      authenticator(credentials, storage.clock,
                    auth::AuthWindow{config.ts_max_age_seconds, config.ts_max_future_seconds},
                    &replay_guard),
      stock(*storage.db, storage.clock),
      placement(*storage.db, storage.clock, options.flow),
      background(1),
      trigger(placement, *storage.db, storage.clock, zones,
              [this](std::function<void()> task) {
                boost::asio::post(background, Named("restock-retry", std::move(task)));
              }),
      follower(*storage.db, storage.clock,
               [this](model::MerchantId merchant, const std::vector<model::StockEvent>& events) {
                 trigger.OnStockEvents(merchant, events);
               }),
      scheduler(placement, *storage.db, storage.clock, zones,
                std::chrono::seconds(config.scheduler_tick_seconds)),
      targets(options.allowed_targets),
      poster(targets),
      dispatcher(*storage.db, storage.clock, poster, options.delivery, &storage.registry),
      handoff(*storage.db, storage.clock, targets, options.flow, zones, &storage.registry,
              config.handoff_poll_ms * 1000),
      rate_limits(storage.clock, storage.registry,
                  {config.rate_limit_client, config.rate_limit_merchant,
                   config.trust_forwarded_for}) {
  stock.SetCommitListener(
      [this](model::MerchantId merchant, const std::vector<model::StockEvent>& events) {
        trigger.OnStockEvents(merchant, events);
      });
  ObservePlacement(placement, storage.registry, handoff);
  storage.dispatcher.store(&dispatcher);
}

void Services::StartBackground(const ServeConfig& config) {
  // A database unavailable now is logged; the follower's thread seeks again on its first poll.
  Status followed = follower.Start();
  if (!followed.ok()) spdlog::warn("following stock events: {}", followed.ToString());
  if (config.scheduler) scheduler.Start();
  if (config.webhooks) dispatcher.Start();
  handoff.Start();
}

void Services::StopDelivery() { dispatcher.RequestStop(); }

void Services::Stop() {
  dispatcher.Stop();
  handoff.Stop();
  scheduler.Stop();
  follower.Stop();
  background.join();
  workers.join();
  storage.db->Shutdown();
  storage.dispatcher.store(nullptr);
}

}  // namespace restock::app
