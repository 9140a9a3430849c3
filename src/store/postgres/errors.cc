#include "store/postgres/errors.h"

#include <string>

namespace restock::store::postgres {

Status StatusForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return UnavailableError("database connection lost");
  std::string code(sqlstate);
  if (code == "23505") return AlreadyExistsError("already exists");
  if (code == "40001") return AbortedError("database serialization failure (SQLSTATE 40001)");
  if (code == "40P01") return AbortedError("database deadlock (SQLSTATE 40P01)");
  std::string_view klass = sqlstate.substr(0, 2);
  if (klass == "08" || klass == "53" || code == "57P01" || code == "57P02" || code == "57P03" ||
      code == "57014") {
    return UnavailableError("database unavailable (SQLSTATE " + code + ")");
  }
  if (code == "25006") return InternalError("database error: write in a read-only unit of work");
  return InternalError("database error (SQLSTATE " + code + ")");
}

Retry RetryFor(const Status& status, bool commit_sent) {
  switch (status.code()) {
    case StatusCode::kAborted:
      // A serialization failure or deadlock is reported before the commit succeeds; when
      // it is the COMMIT itself that failed this way, nothing was committed either.
      return Retry::kAborted;
    case StatusCode::kUnavailable:
      return commit_sent ? Retry::kNo : Retry::kReconnect;
    default:
      return Retry::kNo;
  }
}

}  // namespace restock::store::postgres
