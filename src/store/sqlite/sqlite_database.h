// restock::store::sqlite — the embedded SQLite backend of store::Database.
//
// One database file in WAL mode, used through four kinds of connection:
//   - a write connection for RunInTransaction and Migrate, one caller at a time;
//   - the group-commit writer (store/group_queue.h): one thread with its own connection that
//     runs everything Submit()ted in one transaction and commits once (without savepoints;
//     when a work fails, the group is rolled back and replayed with a savepoint per work);
//     a WalSyncer thread then makes the commit durable (one fdatasync may cover several
//     groups) while the writer already runs the next group, and only then completes the
//     works;
//   - a pool of up to `read_connections` query-only connections for RunReadOnly;
//   - a checkpointer: one thread with its own connection that copies the WAL back into the
//     database file (and syncs it) when a commit leaves wal_autocheckpoint_pages in it, so
//     the writers neither do most of that work nor wait for its fsync (the next commit
//     copies what was written meanwhile, so that the WAL can start over).
// The two writers serialise on SQLite's write lock (BEGIN IMMEDIATE + busy timeout).
// RunReadOnly and RunInTransaction return only once what they may have read is durable
// (see wal_syncer.h).
// SQLite itself (sqlite3.h) stays inside this folder's .cc files.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"
#include "store/database.h"
#include "store/group_queue.h"
#include "store/sqlite/wal_syncer.h"

namespace restock::store::sqlite {

class Connection;

struct SqliteOptions {
  // PRAGMA synchronous: "FULL" (a commit survives power loss) or "NORMAL" (survives a
  // process crash; a power loss may drop the last commits).
  std::string synchronous = "FULL";
  // How long a unit of work waits for a lock another connection or process holds, in ms
  // (>= 0): SQLite's busy handler waits up to this long, and a unit of work still finding
  // the database busy is retried only until this much time has passed since it began. It
  // then fails with Unavailable("database busy") (connection.h, BusyError): a transient
  // condition, answered 503 over HTTP. The whole wait is about this long, never a multiple.
  int busy_timeout_ms = 5000;
  // SQLite's page cache per connection (the writers and up to `read_connections` readers),
  // in MiB, >= 1; filled only as pages are used. Large placement transactions touch index
  // pages all over the database: with SQLite's default of 2 MiB they spill dirty pages to
  // the WAL before commit and reread pages from the OS. Not larger either: every reader
  // walks its whole cache when the database changed since its last read, and the writers'
  // commit-time walk (page_cache.h) is skipped only where it cannot drop a page
  // (docs/decisions.md, "SQLite writes").
  int cache_mib = 16;
  // The WAL is copied back into the database file once a commit leaves this many pages
  // (4 KiB each by default) in it, by the checkpointer thread (passive: it neither waits
  // for nor blocks the writers). Should it fall behind by four times this much, the
  // committing writer checkpoints itself, so the WAL stays bounded. >= 1. Each copy writes
  // every page the commits since the last one touched, once: placement chunks dirty index
  // pages all over the database, so a larger value copies each page fewer times than
  // SQLite's default of 1000. A crash replays at most this much.
  int wal_autocheckpoint_pages = 16384;
  // Maximum number of concurrent RunReadOnly calls; more wait. Opened on demand. >= 1.
  std::size_t read_connections = 4;
  // Maximum number of works in one group commit. >= 1.
  std::size_t max_group_works = 512;
  // How many times RunInTransaction and a group commit are attempted when they fail with
  // Aborted (a work's own conflict) or busy, within busy_timeout_ms, before giving up with
  // that error. >= 1.
  int max_attempts = 5;
  // Test seam: when set, replaces the flush of the WAL (fdatasync of the "-wal" file) that
  // makes group commits durable; runs on the syncer thread. Only with synchronous=FULL.
  std::function<Status()> wal_sync_for_test;
  // Stamps rows whose model type carries no creation time (API users, API keys).
  // Not owned; must outlive the database and be thread-safe. nullptr = the system clock.
  const Clock* clock = nullptr;
};

// Thread-safe: every method may be called from any thread (see the REQUIRES below).
// Owns its connections and its writer thread.
class SqliteDatabase final : public Database {
 public:
  // Opens the database file at `path` (a plain path: the caller strips any "sqlite:"
  // prefix), creating it when missing, and switches it to WAL mode (read-only: see
  // read_only()). Does not migrate.
  // Returns InvalidArgument for bad options or a path the operator must fix (its directory
  // missing or not a directory, the path a directory, no permission; the message names
  // it), Unavailable when the file cannot be opened or created otherwise,
  // FailedPrecondition when WAL mode is impossible (e.g. ":memory:").
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path,
                                                      const SqliteOptions& options);

  // Shuts down (see Shutdown). REQUIRES: no other call is in flight.
  ~SqliteDatabase() override;

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // FailedPrecondition when the file's schema is newer than this binary; on a read-only
  // database, also when it is older (nothing can be applied).
  Status Migrate() override;

  // True when the file exists and this process may read but not write it: Open then opens
  // it read-only (README.md, "Operations": a read-only database). RunReadOnly works;
  // RunInTransaction and Submit fail with FailedPrecondition naming the file.
  bool read_only() const override { return write_conn_ == nullptr; }

  // `work` may run up to max_attempts times, so it must not have side effects outside the
  // transaction. An exception escaping `work` rolls back and returns Internal.
  // REQUIRES: not called from inside another work (it would wait on itself).
  Status RunInTransaction(const Work& work) override;

  // Writes inside `work` fail with Internal. Returns Unavailable once a WAL sync has failed.
  // Waits while all read connections are busy.
  // REQUIRES: not called from inside another work (it could wait for the connection its
  // own caller holds).
  Status RunReadOnly(const Work& work) override;

  // `work` runs on the writer thread, possibly more than once (when the group's commit is
  // retried, or another work of its group failed and the group is replayed). `done` runs on
  // the WAL syncer thread (not the writer) once the commit is durable; it must not block for
  // long: it delays the next groups' completions. After Shutdown, or once a WAL sync has
  // failed, `done(Unavailable)` runs at once on the calling thread.
  void Submit(Work work, WorkDone done) override;

  // Safe at any time here (the interface only promises it before the first Submit); takes
  // effect from the next group.
  void SetGroupObserver(std::function<void(std::size_t works)> observer) override;
  // REQUIRES: called before the first Submit.
  void SetReplayObserver(std::function<void()> observer) override;

  // Idempotent. REQUIRES: not called from a `done` callback or a work.
  void Shutdown() override;

 private:
  using Pending = GroupQueue::Pending;

  SqliteDatabase(std::string path, const SqliteOptions& options,
                 std::unique_ptr<Connection> write_conn, std::unique_ptr<Connection> group_conn,
                 std::unique_ptr<Connection> checkpoint_conn);

  // One attempt: `begin`, work, COMMIT, or ROLLBACK on any failure.
  Status RunOnce(Connection& conn, const char* begin, const Work& work);
  // Runs one group to completion (with retries) and calls each work's `done`.
  void CommitGroup(std::vector<Pending> group);
  // One attempt at a group: fills `statuses` with each work's own outcome and returns the
  // outcome of the transaction as a whole; sets `commit_seq` when it issued a COMMIT.
  Status TryCommitGroup(std::vector<Pending>& group, std::vector<Status>& statuses,
                        std::uint64_t& commit_seq);
  // COMMITs the open group transaction (rolled back when that fails); sets `commit_seq`.
  Status Commit(Connection& conn, std::uint64_t& commit_seq);
  // Whether a unit of work that failed with `status` on attempt `attempt`, begun at `start`,
  // is run again: Aborted or busy, fewer than max_attempts tries, and busy_timeout_ms not
  // yet spent. Sleeps a short, growing backoff before saying yes.
  bool RetryAfter(const Status& status, int attempt,
                  std::chrono::steady_clock::time_point start) const;

  // The commit hook of both writing connections: asks the checkpointer for a checkpoint
  // when the WAL holds wal_autocheckpoint_pages; true = checkpoint inline instead (to
  // finish what the checkpointer copied, or when it is shut down or far behind).
  bool AfterCommit(int wal_pages);
  void CheckpointerLoop();

  Status ReadOnlyError() const;
  Result<std::unique_ptr<Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> conn);

  // Set once by the constructor.
  std::string path_;
  SqliteOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;

  std::mutex write_mu_;
  std::unique_ptr<Connection> write_conn_;  // guarded by write_mu_

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by read_mu_
  std::size_t open_readers_ = 0;                           // guarded by read_mu_

  // Used only by the writer thread once it has started.
  std::unique_ptr<Connection> group_conn_;
  // Completes the writer's groups once durable. Set once by the constructor.
  std::unique_ptr<WalSyncer> syncer_;
  std::function<void()> replay_observer_;  // set before the first Submit; writer thread only

  std::mutex shutdown_mu_;  // serialises Shutdown calls

  // Used only by the checkpointer thread once it has started.
  std::unique_ptr<Connection> checkpoint_conn_;
  // fdatasync of the database file, after each checkpoint. Used only by the checkpointer.
  WalSyncer::SyncFn sync_database_file_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_requested_ = false;  // guarded by checkpoint_mu_
  bool checkpoint_running_ = false;    // guarded by checkpoint_mu_
  // The checkpointer copied the WAL since it was last started over. Guarded by checkpoint_mu_.
  bool checkpoint_done_ = false;
  bool checkpoint_stopping_ = false;  // guarded by checkpoint_mu_
  // Started by the first full WAL; guarded by checkpoint_mu_.
  std::thread checkpointer_;

  // The group-commit writer: runs CommitGroup on its thread. Declared last, so destroyed
  // (and its thread joined, should Shutdown not have run) before what CommitGroup uses.
  GroupQueue queue_;
};

}  // namespace restock::store::sqlite
