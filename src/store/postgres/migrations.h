// restock::store::postgres — the numbered schema migrations of the PostgreSQL backend.
// Same numbering as store/sqlite/migrations.h: migration N is the same schema change in
// both, written in each dialect. The merchant id leads every primary key and index, so the
// tables can be distributed by merchant_id (e.g. with Citus); merchants and api_keys, which
// are looked up without a merchant, are small and would be reference tables there.
#pragma once

#include <span>

#include "core/status.h"
#include "store/migration.h"
#include "store/postgres/connection.h"

namespace restock::store::postgres {

using store::Migration;

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// Brings the schema up to LatestSchemaVersion(), each migration in its own transaction,
// recorded in schema_migrations. Idempotent; several processes starting at once take turns
// through a session-level advisory lock. FailedPrecondition when the database is newer than
// this binary. REQUIRES: no transaction open on `conn`.
Status ApplyMigrations(Connection& conn);

}  // namespace restock::store::postgres
