// restock::store::postgres — the PostgreSQL backend of store::Database, for one or several
// restock nodes sharing one database.
//
// Connections:
//   - a pool of up to `pool_size` connections for RunInTransaction and RunReadOnly, opened on
//     demand; when one is found lost, the idle ones are dropped with it (whatever cut one
//     most likely cut them all) and replaced at the next use;
//   - the group-commit writer (store/group_queue.h): one thread with its own connection that
//     runs everything Submit()ted in one transaction (a savepoint per work) and commits once,
//     as on SQLite.
// Transactions run at READ COMMITTED with explicit locks (see repos.h); read-only units of
// work at REPEATABLE READ READ ONLY (one snapshot for the whole work).
//
// Transient faults are retried, whole transactions at a time: a serialization failure or
// deadlock (Aborted) up to `max_attempts` times, then Unavailable; a lost connection or a server shutting
// down (Unavailable) with a new connection and growing pauses for up to `retry_window_ms`.
// A transaction whose COMMIT was sent but not answered may or may not have committed: it is
// never run again and fails with Unavailable, so nothing is applied twice and nothing is
// acknowledged unless its COMMIT succeeded.
// libpq (libpq-fe.h) stays inside this folder's .cc files.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"
#include "store/database.h"
#include "store/group_queue.h"

namespace restock::store::postgres {

class Connection;

struct PgOptions {
  // Maximum number of pooled connections (RunInTransaction, RunReadOnly); more callers wait.
  // The writer has one more of its own. >= 1.
  std::size_t pool_size = 8;
  // Maximum number of works in one group commit. >= 1.
  std::size_t max_group_works = 512;
  // Attempts of a transaction that fails with a serialization failure or deadlock. >= 1.
  int max_attempts = 5;
  // How long a transaction is retried while the server cannot be reached, in milliseconds.
  // After that it fails with Unavailable (HTTP 503 + Retry-After). >= 0.
  int retry_window_ms = 3000;
  // Stamps rows whose model type carries no creation time. Not owned; nullptr = system clock.
  const Clock* clock = nullptr;
};

// Thread-safe: every method may be called from any thread (see the REQUIREs below).
// Owns its connections and its writer thread.
class PgDatabase final : public Database {
 public:
  // Connects once to check `url` (a libpq URI, postgresql://user@host:port/db). Does not
  // migrate. InvalidArgument for bad options or a connection refused for a setting the
  // operator must fix (no such database or role, authentication, a malformed URL), with
  // libpq's message; Unavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgDatabase>> Open(const std::string& url, const PgOptions& options);

  // Shuts down (see Shutdown). REQUIRES: no other call is in flight.
  ~PgDatabase() override;
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // Several nodes may migrate at once: they take turns. FailedPrecondition when the schema
  // is newer than this binary.
  Status Migrate() override;
  // `work` may run several times (see above). An exception escaping it rolls back and
  // returns Internal. REQUIRES: not called from inside another work.
  Status RunInTransaction(const Work& work) override;
  // Takes what `locks` declares right after BEGIN, in the global order (repos.h).
  Status RunInTransaction(const Work& work, const WorkLocks& locks) override;
  // Writes inside `work` fail with Internal. Waits while the pool is exhausted.
  Status RunReadOnly(const Work& work) override;
  // `done` runs on the writer thread after COMMIT returned (or with the failure). After Shutdown, `done(Unavailable)` runs at once on the calling thread.
  void Submit(Work work, WorkDone done) override;
  // A group takes every lock its works declared, in the global order, before the first work.
  void Submit(Work work, WorkDone done, WorkLocks locks) override;
  void SetGroupObserver(std::function<void(std::size_t works)> observer) override;
  // Counts every attempt that ended in a deadlock (40P01), retried or not.
  void SetDeadlockObserver(std::function<void()> observer) override;
  // Idempotent. REQUIRES: not called from a `done` callback or a work.
  void Shutdown() override;
  // ANALYZE products, so that the planner stops using the empty table's estimate before
  // autovacuum gets to the freshly filled table (docs/decisions.md, "PostgreSQL backend").
  // A failed ANALYZE is returned; the load itself is already committed.
  Status AfterBulkLoad() override;

 private:
  using Pending = GroupQueue::Pending;

  PgDatabase(std::string url, const PgOptions& options, std::unique_ptr<Connection> first);

  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);
  // Runs `attempt` until it succeeds or fails for good (see the retry rules above).
  // `attempt` reports whether COMMIT had been sent when it failed.
  Status WithRetries(const std::function<Status(bool& commit_sent)>& attempt);
  // One attempt of a unit of work on a pooled connection: a write transaction taking
  // `locks` first, or a read-only one when `locks` is null.
  Status RunOnce(const Work& work, const WorkLocks* locks, bool& commit_sent);
  void CommitGroup(std::vector<Pending>& group);
  Status TryCommitGroup(std::vector<Pending>& group, std::vector<Status>& statuses,
                        bool& commit_sent);

  const std::string url_;
  const PgOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by pool_mu_
  std::size_t open_ = 0;                           // guarded by pool_mu_

  std::unique_ptr<Connection> writer_conn_;  // used only by the writer thread
  std::function<void()> deadlock_observer_;   // set before use, then only read

  // The group-commit writer: runs CommitGroup on its thread. Declared last, so destroyed
  // (and its thread joined, should Shutdown not have run) before what CommitGroup uses.
  GroupQueue queue_;
};

}  // namespace restock::store::postgres
