#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>

#include "app/database_factory.h"
#include "app/openapi_document.h"
#include "auth/authenticator.h"
#include "auth/store_credential_source.h"
#include "auth/store_replay_guard.h"
#include "catalog/stock_update.h"
#include "core/redact.h"
#include "core/target_policy.h"
#include "core/thread_name.h"
#include "http/ops_handlers.h"
#include "http/order_handlers.h"
#include "http/product_handlers.h"
#include "http/products_create_handler.h"
#include "http/subscription_handlers.h"
#include "http/webhook_handlers.h"
#include "placement/restock_trigger.h"
#include "placement/scheduler.h"
#include "http/products_batch_handler.h"
#include "http/rate_limits.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "webhooks/curl_poster.h"
#include "webhooks/dispatcher.h"

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

// Most --io-threads and --workers (a typo such as 10000000 would exhaust the process).
constexpr std::size_t kMaxThreads = 1024;

Result<std::pair<std::string, std::uint16_t>> SplitListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError("--listen must be HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("--listen port must be a number from 0 to 65535");
  }
  unsigned long port = std::stoul(port_text);
  if (port > 65535) return InvalidArgumentError("--listen port must be a number from 0 to 65535");
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

// Blocks the calling thread until SIGINT or SIGTERM. The signals are blocked in every
// thread (the mask is inherited), so only this sigwait sees them.
void WaitForShutdownSignal(const sigset_t& signals) {
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}, shutting down", received);
}

}  // namespace

Status RunServe(const ServeConfig& config) {
  RESTOCK_ASSIGN_OR_RETURN(auto listen, SplitListen(config.listen));
  if (config.io_threads == 0 || config.workers == 0 || config.io_threads > kMaxThreads ||
      config.workers > kMaxThreads) {
    return InvalidArgumentError("--io-threads and --workers must be from 1 to " +
                                std::to_string(kMaxThreads));
  }
  if (config.read_timeout_seconds < 1 || config.idle_timeout_seconds < 1) {
    return InvalidArgumentError("--read-timeout and --idle-timeout must be at least 1");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return InvalidArgumentError("--tls-cert and --tls-key must be given together");
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  webhooks::DispatcherOptions delivery;
  delivery.retry.first_delay = config.webhook_first_retry_ms * 1000;
  delivery.retry.max_delay = config.webhook_max_retry_ms * 1000;
  delivery.retry.max_attempts = config.webhook_max_attempts;
  delivery.retry.timeout = config.webhook_timeout_ms * 1000;
  delivery.workers = config.webhook_workers;
  delivery.batch = config.webhook_batch;
  delivery.poll_interval = config.webhook_poll_ms * 1000;
  delivery.lease_margin = config.webhook_lease_margin_ms * 1000;
  delivery.shutdown_grace = config.webhook_shutdown_grace_ms * 1000;
  delivery.retention = config.webhook_retention_days * 86'400LL * 1'000'000;
  RESTOCK_RETURN_IF_ERROR(webhooks::ValidateDispatcherOptions(delivery));
  RESTOCK_ASSIGN_OR_RETURN(std::vector<core::Cidr> allowed_targets,
                           core::ParseCidrList(config.allow_private_targets));
  const core::TargetPolicy targets(std::move(allowed_targets));
  RESTOCK_ASSIGN_OR_RETURN(placement::FlowOptions flow,
                           placement::MakeFlowOptions(config.oos_max_days, config.oos_notice_days));

  SystemClock clock;
  // Commits that enqueue deliveries wake the dispatcher, which exists once the database does.
  std::atomic<webhooks::Dispatcher*> dispatcher_ptr{nullptr};
  DatabaseSettings settings{config.sqlite_synchronous, &clock, [&dispatcher_ptr] {
                              if (auto* d = dispatcher_ptr.load()) d->Wake();
                            }};
  settings.sqlite_busy_timeout_ms = static_cast<int>(config.sqlite_busy_timeout_ms);
  settings.pg_pool_size = config.pg_pool_size;
  settings.pg_retry_window_ms = static_cast<int>(config.pg_retry_window_ms);
  RESTOCK_ASSIGN_OR_RETURN(auto db, OpenDatabase(config.db, settings));
  RESTOCK_RETURN_IF_ERROR(db->Migrate());

  metrics::Registry registry;
  metrics::Histogram& group_sizes = registry.GetHistogram(
      "restock_commit_group_size", "Works (requests) committed together per transaction.",
      {1, 2, 4, 8, 16, 32, 64, 128, 256, 512});
  metrics::Counter& groups = registry.GetCounter("restock_commit_groups_total",
                                                 "Group-commit transactions.");
  db->SetGroupObserver([&group_sizes, &groups](std::size_t works) {
    group_sizes.Observe(static_cast<double>(works));
    groups.Inc();
  });
  metrics::Counter& replays = registry.GetCounter(
      "restock_commit_group_replays_total",
      "Groups rolled back and run again, a savepoint per work, because a work failed (SQLite).");
  db->SetReplayObserver([&replays] { replays.Inc(); });
  metrics::Counter& deadlocks = registry.GetCounter(
      "restock_db_deadlocks_total",
      "Transactions the database ended as deadlock victims, before retrying them (PostgreSQL).");
  db->SetDeadlockObserver([&deadlocks] { deadlocks.Inc(); });

  boost::asio::thread_pool workers(config.workers);
  http::Executor executor = [&workers](std::function<void()> task) {
    boost::asio::post(workers, Named("restock-worker", std::move(task)));
  };

  auth::StoreCredentialSource credentials(*db, clock,
                                          std::chrono::seconds(config.credential_cache_seconds));
  auth::StoreReplayGuard replay_guard(*db, clock);
  auth::Authenticator authenticator(
      credentials, clock, auth::AuthWindow{config.ts_max_age_seconds, config.ts_max_future_seconds},
      &replay_guard);
  catalog::StockService stock(*db, clock);
  placement::PlacementService placement(*db, clock, flow);
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
  });
  placement::ZoneCache zones;
  // Restock retries run one at a time off the request path.
  boost::asio::thread_pool background(1);
  placement::RestockTrigger trigger(placement, *db, clock, zones,
                                    [&background](std::function<void()> task) {
                                      boost::asio::post(background,
                                                        Named("restock-retry", std::move(task)));
                                    });
  stock.SetCommitListener([&trigger](model::MerchantId merchant,
                                     const std::vector<model::StockEvent>& events) {
    trigger.OnStockEvents(merchant, events);
  });
  placement::Scheduler scheduler(placement, *db, clock, zones,
                                 std::chrono::seconds(config.scheduler_tick_seconds));
  webhooks::CurlPoster poster(targets);
  webhooks::Dispatcher dispatcher(*db, clock, poster, delivery, &registry);
  dispatcher_ptr.store(&dispatcher);

  http::RateLimits rate_limits(clock, registry,
                               {config.rate_limit_client, config.rate_limit_merchant,
                                config.trust_forwarded_for});
  http::ProductsBatchHandler batch(authenticator, stock, registry, executor,
                                   http::BatchLimits{config.max_elements, config.max_json_depth},
                                   &rate_limits);
  http::HealthHandler health;
  http::MetricsHandler metrics_handler(registry);
  http::StaticJsonHandler openapi(OpenApiDocumentJson());
  http::SubscriptionsHandler subscriptions(authenticator, executor, *db, clock);
  http::SubscriptionHandler subscription(authenticator, executor, *db, clock);
  http::OrdersHandler orders(authenticator, executor, *db);
  http::OrderHandler order(authenticator, executor, *db, clock);
  http::DemandHandler demand(authenticator, executor, *db, clock, zones);
  http::WebhooksHandler webhook_endpoints(authenticator, executor, *db, clock, targets);
  http::ProductsHandler products(authenticator, executor, *db);
  http::ProductHandler product(authenticator, executor, *db, stock);
  http::StockHistoryHandler stock_history(authenticator, executor, *db);
  http::ProductsCreateHandler products_create(
      authenticator, executor, stock,
      http::BatchLimits{config.max_elements, config.max_json_depth});
  products_create.LimitPerMerchant(&rate_limits);
  http::Router router(registry);
  router.Add("PATCH", "/products-batch/update/", batch, "products_batch_update");
  router.Add("POST", "/subscriptions/", subscriptions, "subscriptions");
  router.Add("GET", "/subscriptions/{id}/", subscription, "subscription");
  router.Add("PATCH", "/subscriptions/{id}/", subscription, "subscription");
  router.Add("GET", "/orders/", orders, "orders");
  router.Add("GET", "/orders/{id}/", order, "order");
  router.Add("POST", "/orders/{id}/cancel/", order, "order_cancel");
  router.Add("GET", "/products/{id}/demand/", demand, "product_demand");
  router.Add("GET", "/webhooks/", webhook_endpoints, "webhooks");
  router.Add("POST", "/webhooks/", webhook_endpoints, "webhooks");
  router.Add("GET", "/webhooks/{id}/", webhook_endpoints, "webhook");
  router.Add("DELETE", "/webhooks/{id}/", webhook_endpoints, "webhook");
  for (const char* action : {"rotate", "disable", "enable", "replay"}) {
    router.Add("POST", std::string("/webhooks/{id}/") + action + "/", webhook_endpoints,
               std::string("webhook_") + action);
  }
  router.Add("GET", "/webhooks/{id}/deliveries/", webhook_endpoints, "webhook_deliveries");
  router.Add("POST", "/products-batch/create/", products_create, "products_batch_create");
  router.Add("GET", "/products/", products, "products");
  router.Add("GET", "/products/{id}/", product, "product");
  router.Add("PATCH", "/products/{id}/", product, "product");
  router.Add("GET", "/products/{id}/stock-history/", stock_history, "product_stock_history");
  router.Add("GET", "/healthz", health, "healthz");
  router.Add("GET", "/metrics", metrics_handler, "metrics");
  router.Add("GET", "/openapi.json", openapi, "openapi");

  http::ServerOptions options;
  options.io_threads = config.io_threads;
  options.body_limit = config.max_body_bytes;
  options.header_limit = config.max_header_bytes;
  options.max_connections = config.max_connections;
  options.read_timeout = std::chrono::seconds(config.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  options.write_timeout = std::chrono::seconds(config.write_timeout_seconds);
  options.tls = {config.tls_cert, config.tls_key};
  http::ClientRateLimitedHandler limited(rate_limits, router, {"/healthz", "/metrics"});
  http::Server server(options, limited);
  RESTOCK_ASSIGN_OR_RETURN(std::uint16_t port, server.Listen(listen.first, listen.second));
  std::string bound = (listen.first.find(':') != std::string::npos ? "[" + listen.first + "]"
                                                                     : listen.first) +
                      ":" + std::to_string(port);
  std::cout << "{\"listen\":\"" << bound << "\"}" << std::endl;
  spdlog::info("restock listening on {}://{} (db {})", config.tls_cert.empty() ? "http" : "https",
               bound, core::RedactUrlPassword(config.db));
  server.Start();
  if (config.scheduler) scheduler.Start();
  if (config.webhooks) dispatcher.Start();

  WaitForShutdownSignal(signals);
  // Order matters: webhook delivery takes no new claims at once; then stop taking requests
  // and let in-flight ones finish (they wait on the writer); then the webhook workers (attempts
  // in flight get a short grace), the scheduler and retries, the workers, the writer. The
  // listener closes first even while a webhook worker waits on a busy database.
  dispatcher.RequestStop();
  server.Stop();
  dispatcher.Stop();
  scheduler.Stop();
  background.join();
  workers.join();
  db->Shutdown();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace restock::app
