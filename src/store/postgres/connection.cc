#include "store/postgres/connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "store/postgres/errors.h"

namespace restock::store::postgres {

// ---------------------------------------------------------------- Params / ArrayLiteral

Params& Params::Int(std::int64_t v) {
  values_.emplace_back(std::to_string(v));
  return *this;
}
Params& Params::Text(std::string_view v) {
  values_.emplace_back(std::string(v));
  return *this;
}
Params& Params::Bool(bool v) {
  values_.emplace_back(v ? "t" : "f");
  return *this;
}
Params& Params::Date(CivilDate d) {
  values_.emplace_back(FormatDate(d));
  return *this;
}
Params& Params::Null() {
  values_.emplace_back(std::nullopt);
  return *this;
}
Params& Params::OptionalInt(const std::optional<std::int64_t>& v) {
  return v ? Int(*v) : Null();
}
Params& Params::OptionalDate(const std::optional<CivilDate>& d) {
  return d ? Date(*d) : Null();
}

void ArrayLiteral::Separate() {
  if (!empty_) body_ += ',';
  empty_ = false;
}
ArrayLiteral& ArrayLiteral::Text(std::string_view v) {
  Separate();
  body_ += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') body_ += '\\';
    body_ += c;
  }
  body_ += '"';
  return *this;
}
ArrayLiteral& ArrayLiteral::Int(std::int64_t v) {
  Separate();
  body_ += std::to_string(v);
  return *this;
}
ArrayLiteral& ArrayLiteral::Bool(bool v) {
  Separate();
  body_ += v ? 't' : 'f';
  return *this;
}
ArrayLiteral& ArrayLiteral::Date(CivilDate d) {
  Separate();
  body_ += FormatDate(d);
  return *this;
}
ArrayLiteral& ArrayLiteral::Null() {
  Separate();
  body_ += "NULL";
  return *this;
}
ArrayLiteral& ArrayLiteral::OptionalInt(const std::optional<std::int64_t>& v) {
  return v ? Int(*v) : Null();
}
ArrayLiteral& ArrayLiteral::OptionalDate(const std::optional<CivilDate>& d) {
  return d ? Date(*d) : Null();
}

// ---------------------------------------------------------------- Rows

void Rows::Clear::operator()(pg_result* r) const { PQclear(r); }

Rows::Rows(pg_result* result) : result_(result) {}

int Rows::size() const { return result_ ? PQntuples(result_.get()) : 0; }

std::int64_t Rows::affected() const {
  if (!result_) return 0;
  std::string_view text = PQcmdTuples(result_.get());
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

bool Rows::IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }

std::string_view Rows::Text(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

std::int64_t Rows::Int(int row, int col) const {
  std::string_view text = Text(row, col);
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

bool Rows::Bool(int row, int col) const { return Text(row, col) == "t"; }

std::optional<std::int64_t> Rows::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

Result<CivilDate> Rows::Date(int row, int col) const {
  std::optional<CivilDate> date = ParseDate(Text(row, col));
  if (!date) return InternalError("database error: malformed date stored");
  return *date;
}

Result<std::optional<CivilDate>> Rows::OptionalDate(int row, int col) const {
  if (IsNull(row, col)) return std::optional<CivilDate>();
  RESTOCK_ASSIGN_OR_RETURN(CivilDate date, Date(row, col));
  return std::optional<CivilDate>(date);
}

// ---------------------------------------------------------------- Connection

namespace {

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  }
};

bool Succeeded(const PGresult* r) {
  ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Connect(const std::string& url, bool describe) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return UnavailableError("cannot connect to the database: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    // libpq does not repeat the password, but a message is no place to trust that.
    if (const char* password = PQpass(conn); password != nullptr && *password != '\0') {
      for (std::size_t at; (at = message.find(password)) != std::string::npos;) {
        message.replace(at, std::strlen(password), "***");
      }
    }
    PQfinish(conn);
    Status status = StatusForConnectFailure(message);
    // Once running, a lost connection is the server's condition, never the request's: the
    // reason stays in the message (for the log), the code says "retry".
    if (!describe && !status.ok()) return UnavailableError(status.message());
    return status;
  }
  // Notices (e.g. "relation already exists, skipping") are not for the operator's terminal.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  auto c = std::unique_ptr<Connection>(new Connection(conn));
  // Dates travel as 'YYYY-MM-DD' text and times as integers, so only the date style and
  // the client encoding matter; both are pinned whatever the server's defaults are.
  RESTOCK_RETURN_IF_ERROR(c->Exec("SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'"));
  return c;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  return Connect(url, false);
}

Result<std::unique_ptr<Connection>> Connection::OpenAtStartup(const std::string& url) {
  return Connect(url, true);
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

bool Connection::InTransaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

bool Connection::InFailedTransaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Status Connection::ErrorOf(pg_result* result) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr || !healthy()) return StatusForSqlState("");
  return StatusForSqlState(state);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  // The simple protocol returns one result per statement; the last failure (or success)
  // decides, and every result must be consumed.
  if (PQsendQuery(conn_, text.c_str()) == 0) return StatusForSqlState("");
  Status status;
  while (PGresult* r = PQgetResult(conn_)) {
    if (status.ok() && !Succeeded(r)) status = ErrorOf(r);
    PQclear(r);
  }
  if (status.ok() && !healthy()) status = StatusForSqlState("");
  return status;
}

Result<const std::string*> Connection::Prepared(std::string_view sql) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it != statements_.end()) return &it->second;
  std::string name = "s" + std::to_string(statements_.size());
  PGresult* r = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
  if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) {
    Status error = ErrorOf(r);
    PQclear(r);
    return error;
  }
  PQclear(r);
  return &statements_.emplace(std::move(key), std::move(name)).first->second;
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  RESTOCK_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql));
  ParamArrays arrays(params);
  PGresult* r = PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()),
                               arrays.values.data(), nullptr, nullptr, 0);
  if (r == nullptr || !Succeeded(r)) {
    Status error = ErrorOf(r);
    PQclear(r);
    return error;
  }
  return Rows(r);
}

Result<std::vector<Rows>> Connection::Pipeline(std::span<const Call> calls) {
  // Statements are prepared before entering pipeline mode (once per connection), so the
  // pipeline itself holds only executions.
  std::vector<std::string> names;
  names.reserve(calls.size());
  for (const Call& call : calls) {
    RESTOCK_ASSIGN_OR_RETURN(const std::string* name, Prepared(call.sql));
    names.push_back(*name);
  }
  if (PQenterPipelineMode(conn_) == 0) return StatusForSqlState("");
  bool sent = true;
  for (std::size_t i = 0; i < calls.size() && sent; ++i) {
    ParamArrays arrays(calls[i].params);
    sent = PQsendQueryPrepared(conn_, names[i].c_str(), static_cast<int>(calls[i].params.size()),
                               arrays.values.data(), nullptr, nullptr, 0) != 0;
  }
  if (sent) sent = PQpipelineSync(conn_) != 0;
  std::vector<Rows> rows;
  rows.reserve(calls.size());
  Status status = sent ? Status::Ok() : StatusForSqlState("");
  if (sent) {
    // Each call yields its result followed by a NULL; the sync point ends the pipeline.
    for (;;) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (!healthy()) {
          if (status.ok()) status = StatusForSqlState("");
          break;
        }
        continue;
      }
      ExecStatusType s = PQresultStatus(r);
      if (s == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      if (s == PGRES_PIPELINE_ABORTED) {
        PQclear(r);
        continue;
      }
      if (!Succeeded(r)) {
        if (status.ok()) status = ErrorOf(r);
        PQclear(r);
        if (!healthy()) break;
        continue;
      }
      rows.emplace_back(r);
    }
  }
  if (healthy()) PQexitPipelineMode(conn_);
  if (!status.ok()) return status;
  if (rows.size() != calls.size()) return InternalError("database error: pipeline results lost");
  return rows;
}

}  // namespace restock::store::postgres
