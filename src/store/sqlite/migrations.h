// restock::store::sqlite — the numbered schema migrations of the SQLite backend.
// The PostgreSQL backend keeps the same numbering: migration N means the same schema
// change in both, written in each backend's dialect.
#pragma once

#include <span>

#include "core/status.h"
#include "store/migration.h"
#include "store/sqlite/connection.h"

namespace restock::store::sqlite {

using store::Migration;

// All migrations, ordered by version.
std::span<const Migration> Migrations();

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Brings the schema on `conn` up to date, applying each migration not yet recorded
// in its own transaction and recording it in schema_migrations. Idempotent, and safe when
// another process migrates the same file at once (each step re-checks under the write
// lock). Returns FailedPrecondition when the database is newer than this binary.
// REQUIRES: no transaction open on `conn`.
Status ApplyMigrations(Connection& conn);

// For a database that cannot be written (ConnectionOptions::read_only_file): Ok when its
// schema is exactly this binary's; FailedPrecondition naming both versions otherwise.
Status CheckSchemaIsCurrent(Connection& conn);

}  // namespace restock::store::sqlite
