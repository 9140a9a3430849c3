// restock::store::postgres — one libpq connection: prepared statements cached by SQL text,
// parameters and results in text format, several statements in one round trip (pipeline
// mode), and errors translated to Status (errors.h). The only header of the project whose
// implementation includes libpq-fe.h; the header itself keeps libpq's types opaque.
//
// Thread-safety: none; a Connection is used by one thread at a time (the pool hands it out).
// Ownership: owns its PGconn and its results.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "core/time_format.h"

struct pg_conn;
struct pg_result;

namespace restock::store::postgres {

// Statement parameters, all sent as text; nullopt is SQL NULL.
class Params {
 public:
  Params& Int(std::int64_t v);
  Params& Text(std::string_view v);
  Params& Bool(bool v);
  Params& Date(CivilDate d);
  Params& Null();
  Params& OptionalInt(const std::optional<std::int64_t>& v);
  Params& OptionalDate(const std::optional<CivilDate>& d);

  std::size_t size() const { return values_.size(); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// A PostgreSQL array literal ('{"a","b"}', '{1,NULL}') built element by element, for
// set-based statements (`unnest($1::text[], …)`, `= ANY($1::bigint[])`).
class ArrayLiteral {
 public:
  ArrayLiteral& Text(std::string_view v);
  ArrayLiteral& Int(std::int64_t v);
  ArrayLiteral& Bool(bool v);
  ArrayLiteral& Date(CivilDate d);
  ArrayLiteral& Null();
  ArrayLiteral& OptionalInt(const std::optional<std::int64_t>& v);
  ArrayLiteral& OptionalDate(const std::optional<CivilDate>& d);

  // The literal, e.g. {"a\"b",NULL}.
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void Separate();
  std::string body_;
  bool empty_ = true;
};

// The rows of one statement (text format). Accessors REQUIRE row < size(), col in range.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result);

  int size() const;
  // Rows changed by an INSERT/UPDATE/DELETE (0 for other statements).
  std::int64_t affected() const;
  bool IsNull(int row, int col) const;
  std::string_view Text(int row, int col) const;
  std::int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  std::optional<std::int64_t> OptionalInt(int row, int col) const;
  // Internal when the column does not hold a 'YYYY-MM-DD' date.
  Result<CivilDate> Date(int row, int col) const;
  Result<std::optional<CivilDate>> OptionalDate(int row, int col) const;

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// One statement of a pipeline.
struct Call {
  std::string_view sql;
  Params params;
};

class Connection {
 public:
  // Connects to `url` (a libpq connection URI). Unavailable when the server cannot be
  // reached or refuses the connection, whatever the reason; the message carries libpq's
  // reason on one line, the password masked (for the log: HTTP answers 503 with a fixed
  // body, http/status_mapping.h).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);
  // As Open, for an operator starting a process: a setting the operator must fix (no such
  // database or role, authentication refused, a malformed URL, SSL) is InvalidArgument, a
  // condition that may pass is Unavailable (StatusForConnectFailure, errors.h).
  static Result<std::unique_ptr<Connection>> OpenAtStartup(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (one or more statements without parameters) with the simple protocol.
  Status Exec(std::string_view sql);
  // Runs one parameterised statement, prepared on this connection at first use.
  Result<Rows> Query(std::string_view sql, const Params& params);
  // Runs `calls` in order in one round trip (libpq pipeline mode). Returns every result, or
  // the first error (the calls after a failed one do not run).
  Result<std::vector<Rows>> Pipeline(std::span<const Call> calls);

  // False once the connection is lost; a lost connection is never usable again.
  bool healthy() const;
  // True inside a transaction block (also a failed one).
  bool InTransaction() const;
  // True inside a transaction block where a statement failed: until ROLLBACK (TO SAVEPOINT)
  // every statement fails and COMMIT rolls back.
  bool InFailedTransaction() const;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  static Result<std::unique_ptr<Connection>> Connect(const std::string& url, bool describe);
  // The name of the prepared statement for `sql`, preparing it first if needed. The pointer
  // stays valid as long as the connection.
  Result<const std::string*> Prepared(std::string_view sql);
  Status ErrorOf(pg_result* result) const;

  pg_conn* conn_;
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> statement name
};

}  // namespace restock::store::postgres
