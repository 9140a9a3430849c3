// restock::store::postgres — how PostgreSQL's errors become restock Statuses, and which of
// them a unit of work may retry. Pure functions of the SQLSTATE, with no libpq types, so the
// classification is unit-tested without a server. Internal to store/postgres.
#pragma once

#include <string_view>

#include "core/status.h"

namespace restock::store::postgres {

// The Status for an error with SQLSTATE `sqlstate` (five characters; empty when the server
// sent none, i.e. the connection failed). Messages name the SQLSTATE but never SQL or values:
//   23505 unique violation                          -> AlreadyExists
//   40001 serialization failure, 40P01 deadlock     -> Aborted (retry the transaction)
//   08xxx connection exception, 57P01..57P03 admin/crash shutdown or starting up,
//   53xxx insufficient resources (too many connections), 57014 query cancelled,
//   55P03 lock_timeout expired,
//   no SQLSTATE at all (connection lost)            -> Unavailable
//   3F000 no such schema (search_path), 3D000 no such database, 28xxx authorization,
//   42501 insufficient privilege                    -> InvalidArgument (the configuration's)
//   25006 write in a read-only transaction, anything else -> Internal
Status StatusForSqlState(std::string_view sqlstate);

// Why a connection could not be opened, from libpq's message (`message`, which names the
// host, port, user and database but never the password), as one line after "cannot connect
// to the database: ". A fault of the configuration — wrong password, no such role or
// database, pg_hba refusal, an SSL requirement the server cannot meet, an invalid URL
// parameter — is InvalidArgument (CLI exit 2: retrying cannot help); anything else — the
// server unreachable, starting up or shutting down, too many clients — is Unavailable
// (exit 8: it may pass).
Status StatusForConnectFailure(std::string_view message);

// What a transaction answers once its retries of a serialization failure or deadlock are
// spent: still a transient condition, so Unavailable (the client may retry: HTTP 503 with
// Retry-After), never Aborted (a conflict with the resource's state). Other statuses, and an
// Aborted the work returned itself, as they are.
Status GiveUpRetrying(const Status& status);

// Whether `status` is a deadlock reported by the server (40P01), for the deadlock counter.
bool IsDeadlock(const Status& status);

// How a failed transaction attempt may be retried.
enum class Retry {
  kNo,          // the error is final (the work's own failure, or a bug)
  kAborted,     // serialization failure or deadlock: run the whole transaction again
  kReconnect,   // the connection or server went away before COMMIT: reconnect, run again
};

// `commit_sent`: the failure came after COMMIT was sent, so the transaction may have been
// committed; such a transaction is never run again (the caller answers Unavailable).
Retry RetryFor(const Status& status, bool commit_sent);

}  // namespace restock::store::postgres
