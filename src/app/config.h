// restock::app — configuration of `restock serve`. Each setting comes from, in order of
// precedence: a command-line flag, the environment variable RESTOCK_<NAME>, the TOML file
// given by --config (or RESTOCK_CONFIG), then the default below. Documented in README.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace restock::app {

struct ServeConfig {
  std::string db = "./restock.db";
  std::string listen = "127.0.0.1:8080";
  std::size_t io_threads = 2;
  std::size_t workers = 2;
  std::uint64_t max_body_bytes = 16u << 20;
  std::size_t max_elements = 10'000;
  std::uint32_t max_header_bytes = 16u << 10;
  std::size_t max_connections = 10'000;
  std::int64_t read_timeout_seconds = 30;
  std::int64_t idle_timeout_seconds = 60;
  std::int64_t ts_max_age_seconds = 7200;
  std::int64_t ts_max_future_seconds = 300;
  std::int64_t credential_cache_seconds = 5;
  std::string sqlite_synchronous = "FULL";
  // SQLite: how long a request waits for a lock another process holds before it is answered
  // 503 (store/sqlite/sqlite_database.h, busy_timeout_ms).
  std::int64_t sqlite_busy_timeout_ms = 3000;
  // PostgreSQL (docs/scaling.md): pooled connections per node (the group-commit writer has
  // one more), and how long a transaction is retried while the server cannot be reached.
  std::size_t pg_pool_size = 8;
  std::int64_t pg_retry_window_ms = 3000;
  std::string log_level = "info";
  bool scheduler = true;
  // Hardening (docs/security.md).
  std::size_t max_json_depth = 32;
  std::int64_t header_timeout_seconds = 10;
  std::int64_t write_timeout_seconds = 30;
  std::uint64_t rate_limit_merchant = 600;  // calls per minute on the batch endpoints; 0 = off
  std::uint64_t rate_limit_client = 6'000;  // requests per minute per client address; 0 = off
  bool trust_forwarded_for = false;
  std::string tls_cert;  // PEM certificate chain; with tls_key, serve HTTPS
  std::string tls_key;   // PEM private key (unencrypted)
  std::int64_t scheduler_tick_seconds = 30;
  // Idle wait between looks for due hand-off requests (docs/handoff.md, "Delivery").
  std::int64_t handoff_poll_ms = 1000;
  // The out-of-stock flow (docs/placement.md; placement::MakeFlowOptions).
  int oos_max_days = 30;
  std::string oos_notice_days = "1,15,30";
  // Webhook delivery (docs/webhooks.md). Times in milliseconds.
  bool webhooks = true;
  int webhook_workers = 2;
  std::size_t webhook_batch = 8;
  std::int64_t webhook_poll_ms = 1000;
  std::int64_t webhook_timeout_ms = 5000;
  std::int64_t webhook_first_retry_ms = 60'000;
  std::int64_t webhook_max_retry_ms = 600'000;
  int webhook_max_attempts = 60;
  std::int64_t webhook_lease_margin_ms = 30'000;
  std::int64_t webhook_shutdown_grace_ms = 2'000;
  std::int64_t webhook_retention_days = 30;  // 0 keeps the delivery history forever
  // CIDRs outbound requests may reach although private (docs/security.md); empty = none.
  std::string allow_private_targets;
};

}  // namespace restock::app
