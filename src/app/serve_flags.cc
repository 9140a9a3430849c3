#include "app/serve_flags.h"

#include "webhooks/dispatcher.h"

namespace restock::app {
namespace {

using cli::AddSetting;

constexpr std::int64_t kDay = 86'400;
constexpr std::int64_t kMaxThreads = 1024;  // a typo such as 10000000 would exhaust the process

void AddServerFlags(CLI::App* s, ServeConfig& c) {
  AddSetting(s, "--listen", c.listen, "HOST:PORT to listen on (port 0 = any free port)");
  AddSetting(s, "--io-threads", c.io_threads, "threads doing socket I/O", 1, kMaxThreads);
  AddSetting(s, "--workers", c.workers,
             "threads for work that may block: credential reads on a cache miss, strict replay "
             "protection, large batch bodies, the other endpoints",
             1, kMaxThreads);
  AddSetting(s, "--max-body-bytes", c.max_body_bytes, "largest request body (413 above)", 1,
             std::int64_t{1} << 30);
  AddSetting(s, "--max-elements", c.max_elements, "most elements in one batch (413 above)", 1,
             1'000'000);
  AddSetting(s, "--max-header-bytes", c.max_header_bytes,
             "largest request header block (431 above)", 1024, 1 << 20);
  AddSetting(s, "--max-connections", c.max_connections, "concurrent connections", 1, 1'000'000);
  AddSetting(s, "--read-timeout", c.read_timeout_seconds, "seconds to receive a whole request", 1,
             kDay);
  AddSetting(s, "--idle-timeout", c.idle_timeout_seconds,
             "seconds a keep-alive connection may idle", 1, kDay);
  AddSetting(s, "--header-timeout", c.header_timeout_seconds,
             "seconds to receive a request's header block", 1, kDay);
  AddSetting(s, "--write-timeout", c.write_timeout_seconds, "seconds to send one response", 1,
             kDay);
  AddSetting(s, "--max-json-depth", c.max_json_depth, "deepest JSON nesting in a body (400 above)",
             1, 1000);
}

// Authentication, rate limits and TLS (docs/security.md).
void AddSecurityFlags(CLI::App* s, ServeConfig& c) {
  AddSetting(s, "--ts-max-age", c.ts_max_age_seconds, "seconds a signature's ts stays valid", 1,
             7 * kDay);
  AddSetting(s, "--ts-max-future", c.ts_max_future_seconds,
             "seconds a ts may lie in the future", 0, kDay);
  AddSetting(s, "--credential-cache", c.credential_cache_seconds,
             "seconds credentials are cached (a revoked key works this long; 0 = off)", 0, kDay);
  AddSetting(s, "--rate-limit-merchant", c.rate_limit_merchant,
             "batch calls per minute per merchant (429 above; 0 = off)", 0, 1'000'000'000);
  AddSetting(s, "--rate-limit-client", c.rate_limit_client,
             "requests per minute per client address (429 above; 0 = off)", 0, 1'000'000'000);
  AddSetting(s, "--trust-forwarded-for", c.trust_forwarded_for,
             "count clients by X-Forwarded-For's last address (only behind a proxy)");
  AddSetting(s, "--tls-cert", c.tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)");
  AddSetting(s, "--tls-key", c.tls_key, "PEM private key for --tls-cert");
}

void AddStorageAndPlacementFlags(CLI::App* s, ServeConfig& c) {
  AddSetting(s, "--sqlite-synchronous", c.sqlite_synchronous,
             "FULL (durable on power loss) or NORMAL (durable on process crash)");
  AddSetting(s, "--sqlite-busy-timeout-ms", c.sqlite_busy_timeout_ms,
             "SQLite: ms a request waits for a lock another process holds (then 503)", 1,
             600'000);
  AddSetting(s, "--pg-pool-size", c.pg_pool_size,
             "PostgreSQL: pooled connections per node (the writer has one more)", 1, 1000);
  AddSetting(s, "--pg-retry-window-ms", c.pg_retry_window_ms,
             "PostgreSQL: ms a transaction is retried while the server is unreachable (then 503)",
             0, 600'000);
  AddSetting(s, "--log-level", c.log_level,
             "trace, debug, info, warn, error, critical or off");
  AddSetting(s, "--scheduler", c.scheduler, "run the daily placement scheduler (true|false)");
  AddSetting(s, "--scheduler-tick", c.scheduler_tick_seconds,
             "seconds between checks for merchants due for placement", 1, 3600);
  AddSetting(s, "--handoff-poll-ms", c.handoff_poll_ms,
             "ms between looks for due hand-off requests when idle", 1, 3'600'000);
  cli::AddFlowFlags(s, c.oos_max_days, c.oos_notice_days);
}

// Webhook delivery (docs/webhooks.md).
void AddWebhookFlags(CLI::App* s, ServeConfig& c) {
  constexpr std::int64_t kDayMs = kDay * 1000;
  AddSetting(s, "--webhooks", c.webhooks, "deliver webhooks from this process (true|false)");
  AddSetting(s, "--webhook-workers", c.webhook_workers, "threads delivering webhooks", 1,
             kMaxThreads);
  AddSetting(s, "--webhook-batch", c.webhook_batch, "deliveries one worker claims at a time", 1,
             static_cast<std::int64_t>(webhooks::kMaxDispatcherBatch));
  AddSetting(s, "--webhook-poll-ms", c.webhook_poll_ms, "ms between looks at the outbox when idle",
             1, 3'600'000);
  AddSetting(s, "--webhook-timeout-ms", c.webhook_timeout_ms, "ms a delivery attempt may take", 1,
             600'000);
  AddSetting(s, "--webhook-first-retry-ms", c.webhook_first_retry_ms,
             "ms before the first retry (doubling after each failure)", 1, kDayMs);
  AddSetting(s, "--webhook-max-retry-ms", c.webhook_max_retry_ms, "cap in ms between retries", 1,
             7 * kDayMs);
  AddSetting(s, "--webhook-max-attempts", c.webhook_max_attempts,
             "attempts per delivery before it is marked failed", 1, 10'000);
  AddSetting(s, "--webhook-lease-margin-ms", c.webhook_lease_margin_ms,
             "ms a claim outlives batch x timeout before another worker may retry it", 0, kDayMs);
  AddSetting(s, "--webhook-shutdown-grace-ms", c.webhook_shutdown_grace_ms,
             "ms attempts in flight may take to finish on shutdown before they are abandoned", 0,
             600'000);
  AddSetting(s, "--webhook-retention-days", c.webhook_retention_days,
             "days delivered and failed deliveries and attempts are kept (0: forever)", 0, 3650);
  AddSetting(s, "--allow-private-targets", c.allow_private_targets,
             "CIDRs (comma-separated) webhooks may reach although loopback, link-local or private");
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& app)
    : command_(&app, "serve", "run the HTTP API and background workers") {
  AddServerFlags(command_.app(), config_);
  AddSecurityFlags(command_.app(), config_);
  AddStorageAndPlacementFlags(command_.app(), config_);
  AddWebhookFlags(command_.app(), config_);
}

ServeConfig ServeCommand::config() const {
  ServeConfig config = config_;
  config.db = command_.db();
  return config;
}

}  // namespace restock::app
