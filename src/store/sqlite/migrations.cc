#include "store/sqlite/migrations.h"

#include <array>
#include <string>

namespace restock::store::sqlite {
namespace {

// Append only: never edit a migration that has shipped. The merchant id leads every key
// and index so the schema can later be sharded by merchant. Times are UnixMicros.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE merchants (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  hash_key TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  oos_policy TEXT NOT NULL DEFAULT 'split',
  created INTEGER NOT NULL
);
CREATE TABLE api_users (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  username TEXT NOT NULL,
  secret TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, username)
) WITHOUT ROWID;
CREATE TABLE api_keys (
  key_sha256 TEXT PRIMARY KEY,
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  name TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id);
CREATE TABLE products (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  product_id TEXT NOT NULL,
  sku TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  price_cents INTEGER NULL,
  live INTEGER NOT NULL,
  discontinued INTEGER NOT NULL,
  autoship_enabled INTEGER NOT NULL,
  image_url TEXT NOT NULL DEFAULT '',
  detail_url TEXT NOT NULL DEFAULT '',
  inventory INTEGER NULL,
  low_stock_threshold INTEGER NULL,
  created INTEGER NOT NULL,
  last_update INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, product_id)
) WITHOUT ROWID;
CREATE TABLE stock_events (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id TEXT NOT NULL,
  prev_live INTEGER NOT NULL,
  live INTEGER NOT NULL,
  prev_discontinued INTEGER NOT NULL,
  discontinued INTEGER NOT NULL,
  prev_inventory INTEGER NULL,
  inventory INTEGER NULL,
  source TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX stock_events_by_product ON stock_events (merchant_id, product_id, id);
)sql"},
    // Subscriptions, orders and placement (docs/placement.md). Dates are 'YYYY-MM-DD' text, which
    // sorts like the dates themselves. Statuses and periods are the model's names.
    // Placement writes every order several times, so the order tables are lean:
    //  - no foreign keys on orders, order_items and order_events: with one, SQLite keeps a
    //    statement journal for every write to the table; the repository checks instead
    //    where it matters (AddItem and order events need an existing order);
    //  - the status, which every placement decision changes, is in no full index: an
    //    UPDATE rewrites the entries of every index holding a column it sets (an index
    //    by status, place date and id made placement a third slower); orders_by_date
    //    serves listings by date (and status) instead;
    //  - two partial indexes keep placement independent of the order history, which only
    //    grows: orders_due holds the unsent and out-of-stock orders (about one per active
    //    subscription) in id order for ListForPlacement, orders_out_of_stock the few
    //    orders in the OOS flow for ListOutOfStockWithProducts.
    Migration{2, R"sql(
-- Local time of each merchant's daily placement run, minutes after midnight (06:00).
ALTER TABLE merchants ADD COLUMN placement_minute INTEGER NOT NULL DEFAULT 360;
CREATE TABLE customers (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  customer_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, customer_id)
) WITHOUT ROWID;
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  customer_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  every INTEGER NOT NULL,
  period TEXT NOT NULL,
  status TEXT NOT NULL,
  start_date TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  FOREIGN KEY (merchant_id, customer_id) REFERENCES customers(merchant_id, customer_id)
);
CREATE UNIQUE INDEX subscriptions_by_merchant ON subscriptions (merchant_id, id);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  merchant_id INTEGER NOT NULL,
  customer_id TEXT NOT NULL,
  place_date TEXT NOT NULL,
  status TEXT NOT NULL,
  oos_since TEXT NULL,
  oos_expires TEXT NULL,
  last_notice_day INTEGER NOT NULL DEFAULT 0,
  placed_on TEXT NULL,
  cancel_reason TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX orders_by_merchant ON orders (merchant_id, id);
CREATE INDEX orders_by_date ON orders (merchant_id, place_date, id);
CREATE INDEX orders_by_customer ON orders (merchant_id, customer_id, place_date);
CREATE INDEX orders_due ON orders (merchant_id, id, place_date)
  WHERE status IN ('unsent', 'out_of_stock');
CREATE INDEX orders_out_of_stock ON orders (merchant_id, id) WHERE status = 'out_of_stock';
CREATE TABLE order_items (
  merchant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  subscription_id INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, order_id, subscription_id)
) WITHOUT ROWID;
CREATE INDEX order_items_by_product ON order_items (merchant_id, product_id, order_id);
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY,
  merchant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  day_in_flow INTEGER NOT NULL DEFAULT 0,
  date TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (merchant_id, order_id, id);
CREATE TABLE placement_runs (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  date TEXT NOT NULL,
  completed INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, date)
) WITHOUT ROWID;
)sql"},
    // Webhooks (docs/webhooks.md): endpoints, the transactional outbox (one row per
    // event and subscribed endpoint, written in the transaction of the change) and the log of
    // delivery attempts. Event types are stored as a comma-separated list of their names.
    // A pending delivery is due when next_attempt_at <= now; a claim moves next_attempt_at to
    // the end of its lease and sets lease_token, so a crashed claimant's rows come back by
    // themselves. webhook_outbox_due holds only pending rows, so the dispatcher's scan does
    // not grow with the delivered history. No foreign keys on the outbox and the attempts
    // (written in bulk by placement): the repositories write only rows of known endpoints.
    Migration{3, R"sql(
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  url TEXT NOT NULL,
  event_types TEXT NOT NULL,
  secret TEXT NOT NULL,
  previous_secret TEXT NOT NULL DEFAULT '',
  previous_secret_expires INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, id);
CREATE TABLE webhook_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id INTEGER NOT NULL,
  endpoint_id INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_token TEXT NULL,
  completed INTEGER NULL
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_outbox_by_endpoint ON webhook_outbox (merchant_id, endpoint_id, created, id);
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id INTEGER NOT NULL,
  endpoint_id INTEGER NOT NULL,
  delivery_id INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started INTEGER NOT NULL,
  duration_us INTEGER NOT NULL,
  status_code INTEGER NULL,
  error TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (merchant_id, endpoint_id, id);
)sql"},
    // Replay protection (docs/security.md): the per-merchant mode, and the digests of the
    // strictly signed requests already accepted, kept until their signature expires.
    Migration{4, R"sql(
ALTER TABLE merchants ADD COLUMN replay_protection TEXT NOT NULL DEFAULT 'off';
CREATE TABLE seen_signatures (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  digest TEXT NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, digest)
) WITHOUT ROWID;
CREATE INDEX seen_signatures_by_expiry ON seen_signatures (expires);
)sql"},
    // Order history records (docs/placement.md, "Order history"): the item an event is about
    // (a skipped cycle or item, oversold units) and a skipped cycle's scheduled date.
    Migration{5, R"sql(
ALTER TABLE order_events ADD COLUMN subscription_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_events ADD COLUMN product_id TEXT NOT NULL DEFAULT '';
ALTER TABLE order_events ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_events ADD COLUMN cycle_date TEXT NULL;
)sql"},
    // A product's stock events as a chain (docs/decisions.md, "stock event chain"): each
    // event names the product's previous event, and the product row its newest. An index
    // by (merchant_id, product_id, id) put every stock update's entry on a page of its own,
    // a second random page in every commit; the chain's writes go to the product's row,
    // which the update rewrites anyway, and to the table's append-only tail. The repository
    // moves the head with each insert (a trigger would give the insert a statement journal,
    // and releasing it inside the group writer's savepoint walks the whole sub-journal).
    Migration{7, R"sql(
ALTER TABLE products ADD COLUMN last_event_id INTEGER NULL;
ALTER TABLE stock_events ADD COLUMN prev_event_id INTEGER NULL;
UPDATE stock_events SET prev_event_id = (
  SELECT MAX(older.id) FROM stock_events AS older
  WHERE older.merchant_id = stock_events.merchant_id
    AND older.product_id = stock_events.product_id AND older.id < stock_events.id);
UPDATE products SET last_event_id = (
  SELECT MAX(e.id) FROM stock_events AS e
  WHERE e.merchant_id = products.merchant_id AND e.product_id = products.product_id);
DROP INDEX stock_events_by_product;
)sql"},
    // Credentials over their lifetime (docs/security.md, "Rotating credentials"): the hash
    // key and API-user secret replaced by the latest rotation, accepted until their expiry
    // (UnixMicros; 0 = none); API keys get an id to be listed and revoked by, and the time
    // of their last use. api_keys is rebuilt (SQLite cannot add a key column), numbering
    // the existing keys in the order they were created.
    Migration{11, R"sql(
ALTER TABLE merchants ADD COLUMN previous_hash_key TEXT NOT NULL DEFAULT '';
ALTER TABLE merchants ADD COLUMN previous_hash_key_expires INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_users ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE api_users ADD COLUMN previous_secret_expires INTEGER NOT NULL DEFAULT 0;
CREATE TABLE api_keys_v11 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_sha256 TEXT NOT NULL UNIQUE,
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  name TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  last_used INTEGER NULL
);
INSERT INTO api_keys_v11 (key_sha256, merchant_id, name, created)
  SELECT key_sha256, merchant_id, name, created FROM api_keys ORDER BY created, key_sha256;
DROP TABLE api_keys;
ALTER TABLE api_keys_v11 RENAME TO api_keys;
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id, id);
)sql"},
    // Webhook endpoints take turns (docs/webhooks.md, "Delivery"): a claim leases one
    // endpoint (claim_token, claimed_until), endpoints are picked least recently claimed
    // first, and one whose attempts keep failing backs off as a whole (failures,
    // backoff_until). The due index is keyed by endpoint, so a claim reads only the rows
    // of the endpoint it takes, never those of a disabled or backing-off one. Pruning
    // (docs/webhooks.md, "Retention") finds old rows by completion and start time.
    Migration{13, R"sql(
ALTER TABLE webhook_endpoints ADD COLUMN claim_token TEXT NULL;
ALTER TABLE webhook_endpoints ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN last_claimed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN backoff_until INTEGER NOT NULL DEFAULT 0;
CREATE INDEX webhook_outbox_due_by_endpoint ON webhook_outbox (endpoint_id, next_attempt_at, id)
  WHERE status = 'pending';
DROP INDEX webhook_outbox_due;
CREATE INDEX webhook_outbox_completed ON webhook_outbox (completed) WHERE status <> 'pending';
CREATE INDEX webhook_attempts_by_start ON webhook_attempts (started);
)sql"},
    // The last webhook event sequence number of each merchant (docs/webhooks.md, "Order of
    // events"): taken in the transaction that writes the events, so sequence order is commit
    // order. (PostgreSQL's migration 14 also indexes stock_events by id, which SQLite's
    // rowid already is.)
    Migration{14, R"sql(
CREATE TABLE webhook_sequences (
  merchant_id INTEGER PRIMARY KEY REFERENCES merchants(id),
  last INTEGER NOT NULL
);
)sql"},
    // Idempotent batch requests (docs/api.md, "Idempotent retries"): the answer each
    // Idempotency-Key got, with a digest of the request it answered, kept until it expires
    // (24 h) and pruned by expiry.
    Migration{15, R"sql(
CREATE TABLE idempotency_keys (
  merchant_id INTEGER NOT NULL REFERENCES merchants(id),
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires);
)sql"},
    // Handing placed orders to the merchant's platform (docs/handoff.md): each merchant's
    // placement target; customers' contact details for the order document (addresses as
    // one column each, store/columns.h); the hand-off's outcome on the order (written by the
    // hand-off only: placement's order writes leave these columns alone); and the
    // hand-off outbox, one row per request to send (an order, or the re-send of its remaining
    // items after an out-of-stock answer: sequence 2, 3, ...), written in the transaction of
    // the placement decision. A row is due when next_attempt_at <= now; a claim leases it
    // (lease_token, next_attempt_at = end of the lease), so a dead claimant's rows come back
    // by themselves; a row waiting for the next placement run has next_attempt_at = the
    // largest int64. handoff_outbox_due holds only pending rows.
    Migration{16, R"sql(
CREATE TABLE placement_targets (
  merchant_id INTEGER PRIMARY KEY REFERENCES merchants(id),
  url TEXT NOT NULL,
  format TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  timeout_ms INTEGER NOT NULL,
  max_retries INTEGER NOT NULL
);
ALTER TABLE customers ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN locale TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN shipping TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN billing TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN payment_token TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN error_message TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN merchant_order_id TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN placement_attempts INTEGER NOT NULL DEFAULT 0;
CREATE TABLE handoff_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  status TEXT NOT NULL,
  retries INTEGER NOT NULL DEFAULT 0,
  give_up_on TEXT NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_token TEXT NULL,
  claimed INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  completed INTEGER NULL
);
CREATE UNIQUE INDEX handoff_outbox_by_order ON handoff_outbox (merchant_id, order_id, sequence);
CREATE INDEX handoff_outbox_due ON handoff_outbox (merchant_id, next_attempt_at, id)
  WHERE status = 'pending';
)sql"},
    // Held stock (docs/placement.md, "Held stock"): each merchant's reservation window and
    // how many days ahead order.oos_predicted looks, and on each order whether its
    // order.oos_predicted event was written (set in the transaction that writes the event,
    // so the event is written once per order).
    Migration{17, R"sql(
ALTER TABLE merchants ADD COLUMN reservation_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE merchants ADD COLUMN oos_warn_days INTEGER NOT NULL DEFAULT 3;
ALTER TABLE orders ADD COLUMN oos_predicted INTEGER NOT NULL DEFAULT 0;
)sql"},
};

static_assert(VersionsAreIncreasing(kMigrations),
              "migrations must be numbered in increasing order");

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)";
constexpr std::string_view kSelectMigrationsTable =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr std::string_view kSelectCurrentVersion =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view kSelectApplied = "SELECT 1 FROM schema_migrations WHERE version = ?1";
constexpr std::string_view kRecordMigration =
    "INSERT INTO schema_migrations (version, applied) "
    "VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

Result<int> CurrentVersion(Connection& conn) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSelectCurrentVersion));
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("database error: no schema version");
  return static_cast<int>(stmt.ColumnInt64(0));
}

Result<bool> IsApplied(Connection& conn, int version) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSelectApplied));
  stmt.BindInt64(1, version);
  return stmt.Step();
}

Status CheckNotNewer(int current) {
  if (current > LatestSchemaVersion()) {
    return FailedPreconditionError("database schema is newer than this binary");
  }
  return Status::Ok();
}

// Applies `migration` unless someone else already did, holding the write lock throughout.
Status ApplyOne(Connection& conn, const Migration& migration) {
  RESTOCK_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  Status status = [&]() -> Status {
    RESTOCK_ASSIGN_OR_RETURN(int current, CurrentVersion(conn));
    RESTOCK_RETURN_IF_ERROR(CheckNotNewer(current));
    RESTOCK_ASSIGN_OR_RETURN(bool applied, IsApplied(conn, migration.version));
    if (applied) return Status::Ok();
    RESTOCK_RETURN_IF_ERROR(conn.Exec(migration.sql));
    RESTOCK_ASSIGN_OR_RETURN(Statement record, conn.Prepare(kRecordMigration));
    record.BindInt64(1, migration.version);
    return record.Run();
  }();
  if (status.ok()) status = conn.Exec("COMMIT");
  if (!status.ok() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  return status;
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

Status ApplyMigrations(Connection& conn) {
  RESTOCK_RETURN_IF_ERROR(conn.Exec(kCreateMigrationsTable));
  RESTOCK_ASSIGN_OR_RETURN(int current, CurrentVersion(conn));
  RESTOCK_RETURN_IF_ERROR(CheckNotNewer(current));
  for (const Migration& migration : kMigrations) {
    RESTOCK_ASSIGN_OR_RETURN(bool applied, IsApplied(conn, migration.version));
    if (applied) continue;
    RESTOCK_RETURN_IF_ERROR(ApplyOne(conn, migration));
  }
  return Status::Ok();
}

Status CheckSchemaIsCurrent(Connection& conn) {
  RESTOCK_ASSIGN_OR_RETURN(Statement table, conn.Prepare(kSelectMigrationsTable));
  RESTOCK_ASSIGN_OR_RETURN(bool has_table, table.Step());
  int current = 0;
  if (has_table) {
    RESTOCK_ASSIGN_OR_RETURN(current, CurrentVersion(conn));
  }
  RESTOCK_RETURN_IF_ERROR(CheckNotNewer(current));
  if (current < LatestSchemaVersion()) {
    return FailedPreconditionError(
        "the database is read-only and its schema (version " + std::to_string(current) +
        ") is older than this binary's (" + std::to_string(LatestSchemaVersion()) +
        "): it must be migrated by a process that may write it");
  }
  return Status::Ok();
}

}  // namespace restock::store::sqlite
