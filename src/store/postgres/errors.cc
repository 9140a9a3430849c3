#include "store/postgres/errors.h"

#include <string>

namespace restock::store::postgres {

Status StatusForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return UnavailableError("database connection lost");
  std::string code(sqlstate);
  if (code == "23505") return AlreadyExistsError("already exists");
  if (code == "40001") return AbortedError("database serialization failure (SQLSTATE 40001)");
  if (code == "40P01") return AbortedError("database deadlock (SQLSTATE 40P01)");
  // lock_timeout expired: the operator bounded lock waits, so this is a busy database.
  if (code == "55P03") return UnavailableError("database lock wait timed out (SQLSTATE 55P03)");
  std::string_view klass = sqlstate.substr(0, 2);
  if (klass == "08" || klass == "53" || code == "57P01" || code == "57P02" || code == "57P03" ||
      code == "57014") {
    return UnavailableError("database unavailable (SQLSTATE " + code + ")");
  }
  if (code == "3F000") {
    return InvalidArgumentError(
        "database error: the schema to work in does not exist (check search_path; SQLSTATE "
        "3F000)");
  }
  if (code == "3D000") return InvalidArgumentError("database error: no such database (SQLSTATE 3D000)");
  if (klass == "28") {
    return InvalidArgumentError("database error: authorization failed (SQLSTATE " + code + ")");
  }
  if (code == "42501") {
    return InvalidArgumentError(
        "database error: permission denied to the database user (SQLSTATE 42501)");
  }
  if (code == "25006") return InternalError("database error: write in a read-only unit of work");
  return InternalError("database error (SQLSTATE " + code + ")");
}

namespace {

bool Contains(const std::string& lower, std::string_view part) {
  return lower.find(part) != std::string::npos;
}

}  // namespace

Status StatusForConnectFailure(std::string_view message) {
  // One line: libpq ends its messages with a newline and may write several lines.
  std::string line;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (line.empty() || line.back() == ' ')) continue;
    line += c;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (line.empty()) line = "no reason given";
  std::string lower = line;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string text = "cannot connect to the database: " + line;
  // Transient first: "the database system is starting up" must not read as a missing database.
  for (std::string_view transient :
       {"too many clients", "connection slots are reserved", "starting up", "shutting down",
        "recovery mode", "connection refused", "timeout expired", "could not translate host"}) {
    if (Contains(lower, transient)) return UnavailableError(std::move(text));
  }
  for (std::string_view configuration :
       {"password", "does not exist", "pg_hba.conf", "ssl", "certificate", "invalid",
        "authentication", "permission denied", "missing \"=\""}) {
    if (Contains(lower, configuration)) return InvalidArgumentError(std::move(text));
  }
  return UnavailableError(std::move(text));
}

Status GiveUpRetrying(const Status& status) {
  // Only the server's conflicts become transient; a work's own Aborted is its answer.
  const bool server_conflict = status.message().find("SQLSTATE 40001") != std::string::npos ||
                               status.message().find("SQLSTATE 40P01") != std::string::npos;
  if (status.code() != StatusCode::kAborted || !server_conflict) return status;
  return UnavailableError("database busy, retry later (" + status.message() + ")");
}

bool IsDeadlock(const Status& status) {
  return status.code() == StatusCode::kAborted &&
         status.message().find("40P01") != std::string::npos;
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
