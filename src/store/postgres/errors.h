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
//   no SQLSTATE at all (connection lost)            -> Unavailable
//   25006 write in a read-only transaction, anything else -> Internal
Status StatusForSqlState(std::string_view sqlstate);

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
