#include "store/postgres/pg_database.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <thread>
#include <utility>

#include "store/call_quietly.h"
#include "store/postgres/connection.h"
#include "store/postgres/errors.h"
#include "store/postgres/migrations.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

Status RunWork(const Work& work, Transaction& tx) {
  try {
    return work(tx);
  } catch (...) {
    return InternalError("unexpected exception in unit of work");
  }
}

// A work that ignored a failed statement leaves the transaction unusable: PostgreSQL would
// turn its COMMIT into a ROLLBACK. That is the work's failure, not a success.
Status CheckUsable(const Connection& conn, Status status) {
  if (status.ok() && conn.InFailedTransaction()) {
    return InternalError("database error: a statement of the unit of work failed");
  }
  return status;
}

void RollbackIfOpen(Connection& conn) {
  if (conn.healthy() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
}

}  // namespace

Status PgTransaction::RunAtCommitSteps() {
  std::vector<Step> steps = std::move(steps_);
  steps_.clear();
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.key < b.key; });
  for (Step& s : steps) {
    RESTOCK_RETURN_IF_ERROR(RunWork(s.step, *this));
  }
  return Status::Ok();
}

Result<std::unique_ptr<PgDatabase>> PgDatabase::Open(const std::string& url,
                                                     const PgOptions& options) {
  if (options.pool_size < 1) return InvalidArgumentError("pool_size must be >= 1");
  if (options.max_group_works < 1) return InvalidArgumentError("max_group_works must be >= 1");
  if (options.max_attempts < 1) return InvalidArgumentError("max_attempts must be >= 1");
  if (options.retry_window_ms < 0) return InvalidArgumentError("retry_window_ms must be >= 0");
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, Connection::OpenAtStartup(url));
  return std::unique_ptr<PgDatabase>(new PgDatabase(url, options, std::move(first)));
}

PgDatabase::PgDatabase(std::string url, const PgOptions& options,
                       std::unique_ptr<Connection> first)
    : url_(std::move(url)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      queue_(options.max_group_works, [this](std::vector<Pending> group) {
        // The observer current when the group was taken; called once it is committed.
        GroupQueue::Observer observer = queue_.observer();
        CommitGroup(group);
        CallQuietly(observer, group.size());
      }) {
  idle_.push_back(std::move(first));
  open_ = 1;
}

PgDatabase::~PgDatabase() { Shutdown(); }

Result<std::unique_ptr<Connection>> PgDatabase::Acquire() {
  {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [this] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->healthy()) return conn;
      // Lost while idle (e.g. the server restarted): replace it below.
    } else {
      ++open_;  // reserve the slot, then connect without holding the lock
    }
  }
  Result<std::unique_ptr<Connection>> conn = Connection::Open(url_);
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    --open_;
    pool_cv_.notify_one();
  }
  return conn;
}

void PgDatabase::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (!conn->healthy()) {
    // Lost: whatever cut it (a server restart, a failover, an administrator terminating
    // backends) most likely cut the idle ones too, and an idle connection only finds out
    // on its next use. Drop them all so that the next callers start on fresh ones.
    open_ -= 1 + idle_.size();
    idle_.clear();
    pool_cv_.notify_all();
    return;
  }
  if (conn->InTransaction()) {
    --open_;  // dropped; the next Acquire opens a fresh one
  } else {
    idle_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
}

Status PgDatabase::Migrate() {
  return WithRetries([&](bool& commit_sent) -> Status {
    commit_sent = false;
    RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    Status status = ApplyMigrations(*conn);
    RollbackIfOpen(*conn);
    Release(std::move(conn));
    return status;
  });
}

Status PgDatabase::AfterBulkLoad() {
  return WithRetries([&](bool& commit_sent) -> Status {
    commit_sent = false;
    RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    Status status = conn->Exec("ANALYZE products");
    Release(std::move(conn));
    return status;
  });
}

Status PgDatabase::WithRetries(const std::function<Status(bool& commit_sent)>& attempt) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.retry_window_ms);
  int aborted = 0;
  for (int n = 0;; ++n) {
    bool commit_sent = false;
    Status status = attempt(commit_sent);
    if (IsDeadlock(status)) CallQuietly(deadlock_observer_);
    switch (RetryFor(status, commit_sent)) {
      case Retry::kNo:
        return status;
      case Retry::kAborted:
        if (++aborted >= options_.max_attempts) return GiveUpRetrying(status);
        break;
      case Retry::kReconnect:
        if (Clock::now() >= deadline) return status;
        break;
    }
    // Short and growing: a deadlock victim retries at once-ish; a restarting server needs
    // a moment (25 ms doubling up to half a second).
    auto pause = std::chrono::milliseconds(std::min(25 << std::min(n, 5), 500));
    std::this_thread::sleep_for(pause);
  }
}

Status PgDatabase::RunOnce(const Work& work, const WorkLocks* locks, bool& commit_sent) {
  commit_sent = false;
  const bool writable = locks != nullptr;
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
  PgTransaction tx(*conn, clock_, writable);
  Status status = writable ? tx.LockInOrder("BEGIN", std::span(&locks, 1), "")
                           : conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (status.ok()) {
    status = CheckUsable(*conn, RunWork(work, tx));
    if (status.ok()) status = CheckUsable(*conn, tx.RunAtCommitSteps());
    if (status.ok()) {
      commit_sent = true;
      status = conn->Exec("COMMIT");
    }
  }
  if (!status.ok()) RollbackIfOpen(*conn);
  Release(std::move(conn));
  return status;
}

Status PgDatabase::RunInTransaction(const Work& work) {
  return RunInTransaction(work, WorkLocks{});
}

Status PgDatabase::RunInTransaction(const Work& work, const WorkLocks& locks) {
  return WithRetries([&](bool& commit_sent) { return RunOnce(work, &locks, commit_sent); });
}

Status PgDatabase::RunReadOnly(const Work& work) {
  // Nothing to commit: a read may always be retried.
  return WithRetries([&](bool& commit_sent) {
    Status status = RunOnce(work, nullptr, commit_sent);
    commit_sent = false;
    return status;
  });
}

void PgDatabase::SetGroupObserver(std::function<void(std::size_t works)> observer) {
  queue_.SetGroupObserver(std::move(observer));
}

void PgDatabase::SetDeadlockObserver(std::function<void()> observer) {
  deadlock_observer_ = std::move(observer);
}

void PgDatabase::Submit(Work work, WorkDone done) {
  queue_.Submit(std::move(work), std::move(done));
}

void PgDatabase::Submit(Work work, WorkDone done, WorkLocks locks) {
  queue_.Submit(std::move(work), std::move(done), std::move(locks));
}

void PgDatabase::Shutdown() { queue_.Shutdown(); }

void PgDatabase::CommitGroup(std::vector<Pending>& group) {
  std::vector<Status> statuses(group.size());
  Status group_status = WithRetries([&](bool& commit_sent) {
    return TryCommitGroup(group, statuses, commit_sent);
  });
  for (std::size_t i = 0; i < group.size(); ++i) {
    CallQuietly(group[i].done, group_status.ok() ? statuses[i] : group_status);
  }
}

Status PgDatabase::TryCommitGroup(std::vector<Pending>& group, std::vector<Status>& statuses,
                                  bool& commit_sent) {
  commit_sent = false;
  if (writer_conn_ == nullptr || !writer_conn_->healthy()) {
    writer_conn_.reset();
    RESTOCK_ASSIGN_OR_RETURN(writer_conn_, Connection::Open(url_));
    // The writer runs the same few statements over and over with new ids. PostgreSQL kept
    // custom plans for them (the generic plans of `= ANY($2)` and of the `unnest` update
    // looked dearer to it), so it planned them again at every execution: half of the
    // server's time per single-product update (docs/decisions.md). The generic plans of
    // these key lookups are the same plans. Best effort: PostgreSQL 11 lacks the setting.
    (void)writer_conn_->Exec("SET plan_cache_mode = force_generic_plan");
  }
  Connection& conn = *writer_conn_;
  // Savepoint commands ride along with the next one, so a work costs one extra round trip.
  Status group_status = [&]() -> Status {
    // Every lock the works declared, in the global order, before the first work runs: works
    // run in arrival order, and locking as they go would lock in that order (which another
    // node's group, in its own arrival order, could cross).
    std::vector<const WorkLocks*> locks;
    locks.reserve(group.size());
    for (const Pending& p : group) locks.push_back(&p.locks);
    PgTransaction tx(conn, clock_, true);
    RESTOCK_RETURN_IF_ERROR(tx.LockInOrder("BEGIN", locks, "SAVEPOINT w"));
    // Rolling back to a savepoint releases the advisory locks a failed work took after it.
    const std::map<std::int64_t, bool> declared = tx.merchant_locks();
    for (std::size_t i = 0; i < group.size(); ++i) {
      bool last = i + 1 == group.size();
      const std::size_t steps = tx.step_count();
      statuses[i] = CheckUsable(conn, RunWork(group[i].work, tx));
      // A transient fault inside a work (deadlock, lost connection) is the group's: the
      // whole group is retried, rather than one work answered with a spurious error.
      if (RetryFor(statuses[i], false) != Retry::kNo) return statuses[i];
      if (statuses[i].ok()) {
        RESTOCK_RETURN_IF_ERROR(conn.Exec(last ? "RELEASE w" : "RELEASE w; SAVEPOINT w"));
      } else {
        RESTOCK_RETURN_IF_ERROR(
            conn.Exec(last ? "ROLLBACK TO w; RELEASE w" : "ROLLBACK TO w; RELEASE w; SAVEPOINT w"));
        tx.RestoreMerchantLocks(declared);
        tx.DropStepsFrom(steps);
      }
    }
    // The group's last writes (webhook sequence counters), in key order across all works.
    RESTOCK_RETURN_IF_ERROR(CheckUsable(conn, tx.RunAtCommitSteps()));
    commit_sent = true;
    return conn.Exec("COMMIT");
  }();
  if (!group_status.ok()) RollbackIfOpen(conn);
  return group_status;
}

}  // namespace restock::store::postgres
