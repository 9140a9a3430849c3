#include "app/database_factory.h"

#include <filesystem>
#include <system_error>

#include "store/postgres/pg_database.h"
#include "placement/local_time.h"
#include "store/sqlite/sqlite_database.h"
#include "webhooks/outbox_database.h"

namespace restock::app {
namespace {

// The bare backend named by `url`, not yet wrapped in the outbox.
Result<std::unique_ptr<store::Database>> OpenBackend(const std::string& url,
                                                     const DatabaseSettings& settings) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    store::postgres::PgOptions options;
    options.clock = settings.clock;
    options.pool_size = settings.pg_pool_size;
    options.retry_window_ms = settings.pg_retry_window_ms;
    RESTOCK_ASSIGN_OR_RETURN(auto db, store::postgres::PgDatabase::Open(url, options));
    return std::unique_ptr<store::Database>(std::move(db));
  }
  if (const std::size_t scheme_end = url.find("://"); scheme_end != std::string::npos) {
    return InvalidArgumentError("unsupported database URL scheme '" + url.substr(0, scheme_end) +
                                "': use PATH, sqlite:PATH or postgresql://…");
  }
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  if (path.empty()) return InvalidArgumentError("--db needs a file path");
  // SQLite would fail to open it as "unable to open", which reads as a transient condition.
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return InvalidArgumentError("--db '" + path + "' is a directory, not a database file");
  }
  if (settings.sqlite_synchronous != "FULL" && settings.sqlite_synchronous != "NORMAL") {
    return InvalidArgumentError("sqlite synchronous must be FULL or NORMAL");
  }
  store::sqlite::SqliteOptions options;
  options.synchronous = settings.sqlite_synchronous;
  options.busy_timeout_ms = settings.sqlite_busy_timeout_ms;
  RESTOCK_ASSIGN_OR_RETURN(auto db, store::sqlite::SqliteDatabase::Open(path, options));
  return std::unique_ptr<store::Database>(std::move(db));
}

}  // namespace

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      const DatabaseSettings& settings) {
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db, OpenBackend(url, settings));
  static const SystemClock system_clock;
  auto outbox = std::make_unique<webhooks::OutboxDatabase>(
      std::move(db), settings.clock ? *settings.clock : system_clock);
  if (settings.on_webhooks_enqueued) outbox->SetEnqueueObserver(settings.on_webhooks_enqueued);
  // The merchants' days for the held stock of product events; the lambda owns the cache.
  auto zones = std::make_shared<placement::ZoneCache>();
  const Clock& clock = settings.clock ? *settings.clock : system_clock;
  outbox->SetMerchantToday([zones, &clock](const model::Merchant& merchant) {
    return zones->LocalDate(merchant, clock.NowMicros());
  });
  return std::unique_ptr<store::Database>(std::move(outbox));
}

}  // namespace restock::app
