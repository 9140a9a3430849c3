// restock::app — opens the database named by --db. The one place that names backends.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace restock::app {

struct DatabaseSettings {
  std::string sqlite_synchronous = "FULL";
  // Stamps outbox rows; the system clock when null. Must outlive the database.
  const Clock* clock = nullptr;
  // Runs after each commit that enqueued webhook deliveries (e.g. wakes the dispatcher).
  std::function<void()> on_webhooks_enqueued;
  // SQLite only: how long a unit of work waits for a lock another process holds before it
  // fails with Unavailable (store/sqlite/sqlite_database.h, SqliteOptions::busy_timeout_ms).
  int sqlite_busy_timeout_ms = 5000;
  // PostgreSQL only (store/postgres/pg_database.h, PgOptions): pooled connections, and how
  // long a transaction is retried while the server cannot be reached.
  std::size_t pg_pool_size = 8;
  int pg_retry_window_ms = 3000;
};

// `url` is a file path, "sqlite:PATH", or a "postgresql://…" URL. InvalidArgument for an
// unsupported scheme; Unavailable when the database cannot be opened. Whatever the backend,
// the database is wrapped in webhooks::OutboxDatabase, so every stock and order event also
// writes its webhook deliveries in the same transaction.
Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      const DatabaseSettings& settings);

}  // namespace restock::app
