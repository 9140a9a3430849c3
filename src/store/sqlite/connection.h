// restock::store::sqlite — one SQLite connection with a cache of prepared statements, and
// the translation of SQLite result codes into restock Status codes. Internal to
// store/sqlite: nothing outside this folder includes it. Deliberately free of sqlite3.h
// (the handles are only forward-declared) so that sqlite3.h stays inside the .cc files.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace restock::store::sqlite {

// Maps an (extended) SQLite result code to a Status with a short, client-safe message:
//   CONSTRAINT_UNIQUE / CONSTRAINT_PRIMARYKEY -> AlreadyExists
//   BUSY / LOCKED (and their extended codes)  -> BusyError()
//   CANTOPEN / IOERR / FULL                   -> Unavailable
//   anything else                             -> Internal
// REQUIRES: `rc` is an error code (not SQLITE_OK / ROW / DONE).
Status TranslateError(int rc);

// Unavailable("database busy"): another connection (or process) held a lock for longer than
// the busy timeout. Transient: the unit of work may be retried, and callers answer "retry
// later" (HTTP 503).
Status BusyError();

// True when `status` is BusyError().
bool IsBusy(const Status& status);

struct ConnectionOptions {
  // Sets PRAGMA query_only=1 so every write fails, and skips switching the journal mode.
  bool query_only = false;
  // Opens the file read-only (implies query_only): for a file this process may not write
  // (README.md, "Operations": a read-only database). Without a -wal file next to it, the file
  // is opened immutable (SQLite then creates no -shm/-wal files and takes no locks), so
  // nothing is written to its directory either.
  bool read_only_file = false;
  // "FULL" or "NORMAL".
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;
  // The page cache (PRAGMA cache_size), in KiB, >= 1. A write transaction keeps its dirty
  // pages here until it commits; when they do not fit they are written to the WAL early
  // and written again at commit.
  std::int64_t cache_kib = 2000;
  // PRAGMA wal_autocheckpoint: a commit that leaves at least this many pages in the WAL
  // copies them back into the database file. >= 1. Ignored with query_only.
  int wal_autocheckpoint_pages = 1000;
};

class Connection;

// A prepared statement borrowed from a Connection's cache for one execution. Binds are
// 1-based like SQLite's; columns are 0-based. The destructor resets the statement and
// clears its bindings so the cached statement is ready for the next borrower.
// Not thread-safe; must not outlive the Connection it came from. Move-only.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind failures are remembered and reported by the next Step()/Run().
  void BindInt64(int index, std::int64_t value);
  void BindBool(int index, bool value) { BindInt64(index, value ? 1 : 0); }
  // SQLite copies the text.
  void BindText(int index, std::string_view value);
  // Without a copy: SQLite reads the text when the statement steps. REQUIRES: `value` stays valid and unchanged until this
  // Statement is destroyed (the destructor clears the bindings).
  void BindTextStatic(int index, std::string_view value);
  void BindOptionalInt64(int index, const std::optional<std::int64_t>& value);
  void BindNull(int index);

  // Advances the statement. Returns true when a row is available, false when done.
  Result<bool> Step();
  // Steps until done, for statements that return no rows.
  Status Run();

  // REQUIRES: the last Step() returned true.
  std::int64_t ColumnInt64(int column) const;
  bool ColumnBool(int column) const { return ColumnInt64(column) != 0; }
  std::string ColumnText(int column) const;
  // The same text without a copy, valid until the next Step() or the end of the Statement.
  std::string_view ColumnView(int column) const;
  // True when the column holds SQL NULL.
  bool ColumnIsNull(int column) const;
  std::optional<std::int64_t> ColumnOptionalInt64(int column) const;

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}

  // Counts a failed step on conn_ (Connection::failures) and returns it as a Status.
  Status Failed(int rc);

  Connection* conn_;    // counts this statement's failures
  sqlite3_stmt* stmt_;  // not owned: the Connection's cache owns it
  int bind_error_ = 0;  // first failing bind's result code, 0 when none
};

// An open SQLite connection. Owns the sqlite3 handle and every statement it prepared;
// closes them on destruction. Not thread-safe: use it from one thread at a time (the
// handle is opened in SQLite's multi-thread mode, without its own mutex).
class Connection {
 public:
  // Opens (creating if missing) the database file at `path`, enables extended result
  // codes, foreign keys, the busy timeout, the cache size, in-memory temporary files and —
  // unless options.query_only — WAL mode and the requested synchronous level. Returns
  // InvalidArgument for a bad option, Unavailable when the file cannot be opened,
  // FailedPrecondition when WAL cannot be enabled (e.g. an in-memory database).
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Executes one or more statements without parameters (pragmas, BEGIN, DDL).
  Status Exec(const char* sql);

  // Returns the cached statement for `sql`, preparing it on first use with
  // SQLITE_PREPARE_PERSISTENT. `sql` must be a single statement. The cache is keyed by
  // the SQL text, so pass constants. REQUIRES: no other Statement for the same SQL is
  // alive on this connection.
  Result<Statement> Prepare(std::string_view sql);

  // The rowid of the last successful INSERT on this connection.
  std::int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t Changes() const;
  // True while a transaction is open (false after SQLite rolled one back by itself).
  bool InTransaction() const;

  // How many statements have failed on this connection (a step, Exec or Prepare error), plus
  // the atomic units that failed while undo_by_rollback was on (RunAtomically). Whoever
  // runs code it does not control compares it before and after, to see a failure that code
  // caught and went on from.
  std::uint64_t failures() const { return failures_; }
  void CountFailure() { ++failures_; }

  // While on, RunAtomically runs its statements without a savepoint and a failed unit only
  // counts a failure (failures()): whoever turned it on must then roll the whole
  // transaction back. The group writer does, and replays the group with a savepoint per
  // work (SqliteDatabase), because a savepoint makes SQLite copy every page first modified
  // under it into its statement journal (docs/decisions.md, "SQLite writes").
  void SetUndoByRollback(bool on) { undo_by_rollback_ = on; }
  bool undo_by_rollback() const { return undo_by_rollback_; }

  // Replaces the automatic checkpoint (PRAGMA wal_autocheckpoint) with `after_commit`,
  // called on the committing thread after every commit, once the write lock is released,
  // with the number of pages now in the WAL. When it returns true the connection
  // checkpoints at once (passive), as the automatic checkpoint would. `after_commit` must
  // not use this connection, and must outlive it or be replaced first.
  using CommitHook = std::function<bool(int wal_pages)>;
  void SetCommitHook(CommitHook after_commit);

  // Copies what it can of the WAL back into the database file without waiting for, or
  // blocking, readers and writers (SQLITE_CHECKPOINT_PASSIVE), then syncs the file as
  // PRAGMA synchronous says. Aborted when another checkpoint is running.
  Status CheckpointPassive();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  // SQLite's busy handler: tries again every millisecond until busy_timeout_ms has passed
  // since the lock was first found busy. sqlite3_busy_timeout's own handler backs off to
  // 100 ms between tries, and another process that takes the lock again within that gap
  // (a second node on the same file) starves this one until the timeout.
  static int OnBusy(void* self, int count);

  sqlite3* db_;                                                   // owned
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;  // owned
  CommitHook after_commit_;
  std::uint64_t failures_ = 0;
  bool undo_by_rollback_ = false;
  std::chrono::milliseconds busy_timeout_{0};
  std::chrono::steady_clock::time_point busy_since_;
};

// Runs `fn`, which executes `statements` writing statements on `conn`, all-or-nothing:
// when `fn` fails, everything it wrote is undone (through a savepoint) and its Status
// returned, even inside a larger transaction. A single statement is atomic by itself and
// runs without a savepoint; so does every unit while conn.undo_by_rollback() is on, when a
// failure only counts one (see Connection::SetUndoByRollback). REQUIRES: a transaction is
// open on `conn`.
template <typename Fn>
Status RunAtomically(Connection& conn, std::size_t statements, Fn&& fn) {
  if (statements <= 1) return fn();
  if (conn.undo_by_rollback()) {
    Status status = fn();
    if (!status.ok()) conn.CountFailure();
    return status;
  }
  // Prepared once per connection: these run for every multi-row write.
  auto run = [&conn](std::string_view sql) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql));
    return stmt.Run();
  };
  RESTOCK_RETURN_IF_ERROR(run("SAVEPOINT batch"));
  Status status = fn();
  if (status.ok()) return run("RELEASE batch");
  // A failed rollback leaves the outer transaction unusable; report that instead.
  Status undo = conn.Exec("ROLLBACK TO batch; RELEASE batch");
  return undo.ok() ? status : undo;
}

}  // namespace restock::store::sqlite
