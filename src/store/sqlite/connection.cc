#include "store/sqlite/connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "store/sqlite/page_cache.h"

namespace restock::store::sqlite {

Status BusyError() { return UnavailableError("database busy"); }

bool IsBusy(const Status& status) { return status == BusyError(); }

Status TranslateError(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExistsError("already exists");
    case SQLITE_READONLY:
      // Only query_only connections are read-only: a write inside RunReadOnly is a bug.
      return InternalError("write in a read-only transaction");
    default:
      break;
  }
  // sqlite3_errstr() describes the code only (never SQL text or values): safe for clients.
  std::string detail = sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return BusyError();
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return UnavailableError("database unavailable: " + detail);
    default:
      return InternalError("database error: " + detail);
  }
}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(other.bind_error_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindInt64(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so callers may pass temporaries.
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindTextStatic(int index, std::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindOptionalInt64(int index, const std::optional<std::int64_t>& value) {
  if (value.has_value()) {
    BindInt64(index, *value);
    return;
  }
  BindNull(index);
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Status Statement::Failed(int rc) {
  conn_->CountFailure();
  return TranslateError(rc);
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) return Failed(bind_error_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Failed(rc);
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::ColumnText(int column) const { return std::string(ColumnView(column)); }

std::string_view Statement::ColumnView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string_view();
  // Length after the text call: it reflects the UTF-8 conversion.
  int bytes = sqlite3_column_bytes(stmt_, column);
  return std::string_view(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::ColumnOptionalInt64(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

namespace {

// Process-wide settings, which SQLite accepts only before it initialises (the first open).
// Memory statistics off: with them, every allocation SQLite makes (several per statement
// execution) takes a global mutex, which showed in placement profiles next to malloc itself.
// Nothing here reads the statistics.
void ConfigureLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when something in the process initialised SQLite first: then the
    // defaults stay, which is only slower.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // Skips the page-cache walks that cannot drop anything (store/sqlite/page_cache.h).
    (void)InstallPageCache();
  });
}

// Creates the database file with mode 0600 when it does not exist yet. SQLite would create it
// 0644 less the umask; it gives the -wal and -shm files it creates the database file's own
// mode, so all three stay private: they hold hash keys and secrets (docs/security.md). An
// existing file keeps the mode its operator gave it. Failures are left to sqlite3_open_v2,
// which reports them.
void CreatePrivately(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  (void)::fchmod(fd, 0600);  // whatever the umask
  ::close(fd);
}

// A file: URI opening `path` read-only; immutable when no -wal file holds newer pages.
std::string ReadOnlyUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      const auto b = static_cast<unsigned char>(c);
      uri += '%';
      uri += kHex[b >> 4];
      uri += kHex[b & 15];
    } else {
      uri += c;
    }
  }
  uri += "?mode=ro";
  struct stat wal {};
  if (::stat((path + "-wal").c_str(), &wal) != 0) uri += "&immutable=1";
  return uri;
}

}  // namespace

int Connection::OnBusy(void* self, int count) {
  auto* conn = static_cast<Connection*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) conn->busy_since_ = now;
  if (now - conn->busy_since_ >= conn->busy_timeout_) return 0;  // SQLITE_BUSY to the caller
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return 1;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL") {
    return InvalidArgumentError("synchronous must be FULL or NORMAL");
  }
  if (options.busy_timeout_ms < 0) return InvalidArgumentError("busy timeout must be >= 0");
  if (options.cache_kib < 1) return InvalidArgumentError("cache size must be >= 1 KiB");
  if (options.wal_autocheckpoint_pages < 1) {
    return InvalidArgumentError("WAL checkpoint size must be >= 1 page");
  }
  // Each connection is used by one thread at a time, which SQLite's multi-thread mode
  // (NOMUTEX) allows, but only if the library was built thread-safe at all.
  if (sqlite3_threadsafe() == 0) return InternalError("SQLite built without thread support");
  ConfigureLibraryOnce();

  const bool query_only = options.query_only || options.read_only_file;
  if (!query_only) CreatePrivately(path);
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  std::string name = path;
  if (options.read_only_file) {
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    name = ReadOnlyUri(path);
  }
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  // The handle exists (and must be closed) even when opening failed.
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (raw == nullptr) return UnavailableError("database unavailable: out of memory");
  if (rc != SQLITE_OK) return TranslateError(sqlite3_extended_errcode(raw));

  sqlite3_extended_result_codes(raw, 1);
  if (options.busy_timeout_ms > 0) {
    conn->busy_timeout_ = std::chrono::milliseconds(options.busy_timeout_ms);
    sqlite3_busy_handler(raw, &Connection::OnBusy, conn.get());
  }
  RESTOCK_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  // Statement and savepoint journals (one per write that may fail half-way, one per
  // group-commit work) would otherwise go through a temporary file, a syscall per page.
  RESTOCK_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store=MEMORY"));
  // A negative cache_size is in KiB.
  std::string cache = "PRAGMA cache_size=-" + std::to_string(options.cache_kib);
  RESTOCK_RETURN_IF_ERROR(conn->Exec(cache.c_str()));
  if (query_only) {
    RESTOCK_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=1"));
    return conn;
  }
  std::string sync = "PRAGMA synchronous=" + options.synchronous;
  RESTOCK_RETURN_IF_ERROR(conn->Exec(sync.c_str()));
  std::string checkpoint =
      "PRAGMA wal_autocheckpoint=" + std::to_string(options.wal_autocheckpoint_pages);
  RESTOCK_RETURN_IF_ERROR(conn->Exec(checkpoint.c_str()));

  // journal_mode answers with the mode in force; anything but "wal" (e.g. "memory") means
  // the readers and writers of this backend could not share the database.
  RESTOCK_ASSIGN_OR_RETURN(Statement wal, conn->Prepare("PRAGMA journal_mode=WAL"));
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, wal.Step());
  if (!has_row || wal.ColumnText(0) != "wal") {
    return FailedPreconditionError("database does not support WAL mode");
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  CountFailure();
  return TranslateError(sqlite3_extended_errcode(db_));
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      CountFailure();
      return TranslateError(sqlite3_extended_errcode(db_));
    }
    if (stmt == nullptr) {
      CountFailure();
      return InternalError("database error: empty statement");
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(this, it->second);
}

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::SetCommitHook(CommitHook after_commit) {
  after_commit_ = std::move(after_commit);
  // sqlite3_wal_hook replaces the automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_hook(db_, after_commit_ ? &Connection::OnWalCommit : nullptr, this);
}

int Connection::OnWalCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* conn = static_cast<Connection*>(self);
  // What the automatic checkpoint does; its errors are not the commit's (it succeeded).
  if (conn->after_commit_(pages)) {
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

Status Connection::CheckpointPassive() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK) return TranslateError(sqlite3_extended_errcode(db_));
  return Status::Ok();
}

}  // namespace restock::store::sqlite
