#include "store/sqlite/sqlite_database.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "core/thread_name.h"
#include "store/call_quietly.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

// Exceptions never leave a unit of work: they become Internal and roll it back.
Status RunWork(const Work& work, SqliteTransaction& tx) {
  Status status;
  try {
    status = work(tx);
  } catch (const std::exception&) {
    status = InternalError("unexpected exception in unit of work");
  } catch (...) {
    status = InternalError("unexpected exception in unit of work");
  }
  return tx.FinishWork(std::move(status));
}

// Transaction control (BEGIN, COMMIT, the group writer's per-work SAVEPOINT / RELEASE),
// prepared once per connection: sqlite3_exec would parse it again every time.
Status RunCached(Connection& conn, std::string_view sql) {
  RESTOCK_ASSIGN_OR_RETURN(Statement statement, conn.Prepare(sql));
  return statement.Run();
}

void RollbackIfOpen(Connection& conn) {
  if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
}

// With NORMAL nothing is flushed per commit (SQLite syncs before checkpoints).
WalSyncer::SyncFn WalSync(const std::string& path, const SqliteOptions& options) {
  if (options.synchronous != "FULL") return [] { return Status::Ok(); };
  if (options.wal_sync_for_test) return options.wal_sync_for_test;
  return FileSync(path + "-wal");
}

// The first open's failure, for the operator: names the path, and what they must fix (a
// missing directory, a directory or a file without write permission in the way) is
// InvalidArgument rather than the Unavailable ("retry") of a passing condition.
Status DescribeOpenFailure(const std::string& path, const Status& status) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string cause;
  if (!fs::exists(dir, ec)) {
    cause = "directory '" + dir.string() + "' does not exist";
  } else if (!fs::is_directory(dir, ec)) {
    cause = "'" + dir.string() + "' is not a directory";
  } else if (fs::is_directory(file, ec)) {
    cause = "it is a directory";
  } else if (access(fs::exists(file, ec) ? path.c_str() : dir.c_str(), R_OK | W_OK) != 0) {
    cause = "permission denied";
  }
  if (cause.empty()) return Status(status.code(), "database '" + path + "': " + status.message());
  return InvalidArgumentError("cannot open SQLite database '" + path + "': " + cause);
}

bool MayWrite(const std::string& path) { return access(path.c_str(), W_OK) == 0; }

// A database file this process may read but not write: its mode, its owner, a read-only
// mount (root may write any file: for root only a read-only mount counts), or a directory
// it may not write when the -wal and -shm files WAL mode needs are not there to be written.
bool IsReadOnlyFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || access(path.c_str(), R_OK) != 0) {
    return false;  // opening it fails with its own clear error
  }
  if (!MayWrite(path)) return true;
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (MayWrite(dir.empty() ? "." : dir)) return false;
  return !MayWrite(path + "-wal") || !MayWrite(path + "-shm");
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             const SqliteOptions& options) {
  if (options.read_connections < 1) return InvalidArgumentError("read_connections must be >= 1");
  if (options.max_group_works < 1) return InvalidArgumentError("max_group_works must be >= 1");
  if (options.max_attempts < 1) return InvalidArgumentError("max_attempts must be >= 1");
  if (options.cache_mib < 1) return InvalidArgumentError("cache_mib must be >= 1");
  if (options.wal_autocheckpoint_pages < 1) {
    return InvalidArgumentError("wal_autocheckpoint_pages must be >= 1");
  }
  ConnectionOptions conn_options;
  conn_options.synchronous = options.synchronous;
  conn_options.busy_timeout_ms = options.busy_timeout_ms;
  conn_options.cache_kib = std::int64_t{options.cache_mib} * 1024;
  conn_options.wal_autocheckpoint_pages = options.wal_autocheckpoint_pages;
  if (IsReadOnlyFile(path)) {
    // Readers only, opened as RunReadOnly needs them; the first one checks the file now.
    conn_options.read_only_file = true;
    Result<std::unique_ptr<Connection>> reader = Connection::Open(path, conn_options);
    if (!reader.ok()) return DescribeOpenFailure(path, reader.status());
    auto db = std::unique_ptr<SqliteDatabase>(
        new SqliteDatabase(path, options, nullptr, nullptr, nullptr));
    db->open_readers_ = 1;
    db->idle_readers_.push_back(std::move(*reader));
    return db;
  }
  // The first connection creates the file and switches it to WAL, which persists.
  Result<std::unique_ptr<Connection>> first = Connection::Open(path, conn_options);
  if (!first.ok()) return DescribeOpenFailure(path, first.status());
  std::unique_ptr<Connection> write_conn = std::move(*first);
  // The group writer's COMMIT only writes the WAL; with synchronous=FULL the WalSyncer
  // flushes it before any work is completed (pipelined group commit, wal_syncer.h). NORMAL
  // still syncs the WAL before each checkpoint, so the database file stays consistent.
  conn_options.synchronous = "NORMAL";
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> group_conn,
                           Connection::Open(path, conn_options));
  // The checkpointer's: a checkpoint syncs the WAL before copying it back and the database
  // file after (when complete) under NORMAL as under FULL; the rest of the file's sync is
  // the checkpointer's own (CheckpointerLoop).
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpoint_conn,
                           Connection::Open(path, conn_options));
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(
      path, options, std::move(write_conn), std::move(group_conn), std::move(checkpoint_conn)));
}

SqliteDatabase::SqliteDatabase(std::string path, const SqliteOptions& options,
                               std::unique_ptr<Connection> write_conn,
                               std::unique_ptr<Connection> group_conn,
                               std::unique_ptr<Connection> checkpoint_conn)
    : path_(std::move(path)),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      write_conn_(std::move(write_conn)),
      group_conn_(std::move(group_conn)),
      syncer_(std::make_unique<WalSyncer>(WalSync(path_, options))),
      checkpoint_conn_(std::move(checkpoint_conn)),
      sync_database_file_(FileSync(path_)),
      queue_(options.max_group_works,
             [this](std::vector<Pending> group) { CommitGroup(std::move(group)); }) {
  if (read_only()) return;
  auto hook = [this](int wal_pages) { return AfterCommit(wal_pages); };
  write_conn_->SetCommitHook(hook);
  group_conn_->SetCommitHook(hook);
}

Status SqliteDatabase::ReadOnlyError() const {
  return FailedPreconditionError("database '" + path_ +
                                 "' is read-only (this process may not write the file or "
                                 "its directory); nothing was changed");
}

SqliteDatabase::~SqliteDatabase() {
  Shutdown();
  // Commits from here on (none are expected) checkpoint inline.
  std::thread checkpointer;
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpoint_stopping_ = true;
    checkpointer = std::move(checkpointer_);
    checkpoint_cv_.notify_all();
  }
  if (checkpointer.joinable()) checkpointer.join();
}

// A WAL is only started over (written from its beginning again) by a writer whose
// transaction began when every frame in it was already copied back: a checkpoint on another
// thread always lags the commit that asked for it, so under a steady stream of transactions
// (placement chunks) the WAL would grow without end. So the checkpointer copies the bulk of
// the WAL and syncs the database file in the background, and the first commit after it is
// done copies the few frames written meanwhile itself (a small copy and fsync), which lets
// the next transaction start the WAL over.
bool SqliteDatabase::AfterCommit(int wal_pages) {
  const int limit = options_.wal_autocheckpoint_pages;
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  if (wal_pages < limit) {
    checkpoint_done_ = false;  // the WAL was started over
    return false;
  }
  if (checkpoint_stopping_) return true;
  if (checkpoint_running_ || checkpoint_requested_) {
    // Far behind (the disk is slower than the writers): the writer helps, as without the
    // checkpointer. A passive checkpoint while the checkpointer's runs returns at once.
    return wal_pages / 4 >= limit;
  }
  if (checkpoint_done_) {
    checkpoint_done_ = false;
    return true;
  }
  checkpoint_requested_ = true;
  if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { CheckpointerLoop(); });
  checkpoint_cv_.notify_one();
  return false;
}

void SqliteDatabase::CheckpointerLoop() {
  NameThisThread("restock-ckpt");
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [this] { return checkpoint_stopping_ || checkpoint_requested_; });
    if (checkpoint_stopping_) return;
    checkpoint_requested_ = false;
    checkpoint_running_ = true;
    lock.unlock();
    // Busy (another checkpoint runs) or failed: the next commit over the limit asks again,
    // and closing the last connection checkpoints whatever is left.
    Status status = checkpoint_conn_->CheckpointPassive();
    // A checkpoint that could not copy everything (a writer committed meanwhile, as it
    // usually has) leaves the database file unsynced; the commit finishing it would then
    // wait for the whole copy to reach the disk. Syncing here takes that wait off it.
    if (status.ok()) (void)sync_database_file_();
    lock.lock();
    checkpoint_running_ = false;
    checkpoint_done_ = status.ok();
  }
}

Status SqliteDatabase::Migrate() {
  if (read_only()) {
    RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    Status status = CheckSchemaIsCurrent(*conn);
    ReleaseReader(std::move(conn));
    return status;
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  return ApplyMigrations(*write_conn_);
}

Status SqliteDatabase::RunOnce(Connection& conn, const char* begin, const Work& work) {
  RESTOCK_RETURN_IF_ERROR(RunCached(conn, begin));
  SqliteTransaction tx(conn, clock_);
  Status status = RunWork(work, tx);
  if (status.ok()) status = RunCached(conn, "COMMIT");
  // After a failed COMMIT (or a work error) the transaction may still be open.
  if (!status.ok()) RollbackIfOpen(conn);
  return status;
}

bool SqliteDatabase::RetryAfter(const Status& status, int attempt,
                                std::chrono::steady_clock::time_point start) const {
  if (status.code() != StatusCode::kAborted && !IsBusy(status)) return false;
  if (attempt >= options_.max_attempts) return false;
  // SQLite's busy handler already waited up to the timeout inside the attempt: a lock held
  // that long is answered "busy" now rather than after several more such waits.
  if (std::chrono::steady_clock::now() - start >=
      std::chrono::milliseconds(options_.busy_timeout_ms)) {
    return false;
  }
  // Short and growing: busy means another writer holds the lock for one transaction.
  std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
  return true;
}

Status SqliteDatabase::RunInTransaction(const Work& work) {
  if (read_only()) return ReadOnlyError();
  std::lock_guard<std::mutex> lock(write_mu_);
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    // IMMEDIATE takes the write lock up front, so the work never fails half-way on an
    // upgrade from reader to writer.
    Status status = RunOnce(*write_conn_, "BEGIN IMMEDIATE", work);
    if (status.ok()) return syncer_->WaitForBegunCommits();  // it may have read a group's rows
    if (!RetryAfter(status, attempt, start)) return status;
  }
}

Result<std::unique_ptr<Connection>> SqliteDatabase::AcquireReader() {
  {
    std::unique_lock<std::mutex> lock(read_mu_);
    read_cv_.wait(lock, [this] {
      return !idle_readers_.empty() || open_readers_ < options_.read_connections;
    });
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
    ++open_readers_;  // reserve the slot, then open without holding the lock
  }
  ConnectionOptions conn_options;
  conn_options.query_only = true;
  conn_options.read_only_file = read_only();
  conn_options.synchronous = options_.synchronous;
  conn_options.busy_timeout_ms = options_.busy_timeout_ms;
  conn_options.cache_kib = std::int64_t{options_.cache_mib} * 1024;
  Result<std::unique_ptr<Connection>> conn = Connection::Open(path_, conn_options);
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(read_mu_);
    --open_readers_;
    read_cv_.notify_one();
  }
  return conn;
}

void SqliteDatabase::ReleaseReader(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(read_mu_);
  idle_readers_.push_back(std::move(conn));
  read_cv_.notify_one();
}

Status SqliteDatabase::RunReadOnly(const Work& work) {
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
  // A deferred BEGIN pins one WAL snapshot at the first read, for the whole work.
  Status status = RunOnce(*conn, "BEGIN", work);
  ReleaseReader(std::move(conn));
  // Nothing read leaves here before it is durable.
  if (status.ok()) status = syncer_->WaitForBegunCommits();
  return status;
}

void SqliteDatabase::SetGroupObserver(std::function<void(std::size_t works)> observer) {
  queue_.SetGroupObserver(std::move(observer));
}

void SqliteDatabase::SetReplayObserver(std::function<void()> observer) {
  replay_observer_ = std::move(observer);
}

void SqliteDatabase::Submit(Work work, WorkDone done) {
  if (read_only()) {
    CallQuietly(done, ReadOnlyError());
    return;
  }
  if (Status failed = syncer_->failure(); !failed.ok()) {
    CallQuietly(done, failed);
    return;
  }
  queue_.Submit(std::move(work), std::move(done));
}

void SqliteDatabase::Shutdown() {
  std::lock_guard<std::mutex> shutdown_lock(shutdown_mu_);
  // The writer drains the queue before it exits, then the syncer completes what it enqueued.
  queue_.Shutdown();
  syncer_->Stop();
}

void SqliteDatabase::CommitGroup(std::vector<Pending> group) {
  std::vector<Status> statuses(group.size());
  Status group_status;
  std::uint64_t commit_seq = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    commit_seq = 0;
    group_status = TryCommitGroup(group, statuses, commit_seq);
    if (!RetryAfter(group_status, attempt, start)) break;
  }
  GroupQueue::Observer observer = queue_.observer();
  syncer_->Enqueue(group_status.ok() ? commit_seq : 0,
                   [group = std::move(group), statuses = std::move(statuses), group_status,
                    observer = std::move(observer)](Status sync) {
                     // A work's own failure stands; success is only what reached the disk.
                     for (std::size_t i = 0; i < group.size(); ++i) {
                       Status outcome = !group_status.ok()  ? group_status
                                        : !statuses[i].ok() ? statuses[i]
                                                            : sync;
                       CallQuietly(group[i].done, std::move(outcome));
                     }
                     CallQuietly(observer, group.size());
                   });
}

Status SqliteDatabase::TryCommitGroup(std::vector<Pending>& group, std::vector<Status>& statuses,
                                      std::uint64_t& commit_seq) {
  Connection& conn = *group_conn_;
  // First every work runs without a savepoint of its own, and atomic units inside them
  // without theirs (Connection::SetUndoByRollback). A savepoint makes SQLite copy each page
  // first modified under it into its statement journal: for single-product updates the
  // savepoints were a sixth of the writer's time (docs/decisions.md). Works rarely fail, so
  // when one does, or a statement failed that a work went on from, the group is rolled back
  // and replayed with a savepoint per work (works may run more than once: store/database.h).
  if (Status status = RunCached(conn, "BEGIN IMMEDIATE"); !status.ok()) return status;
  SqliteTransaction tx(conn, clock_);
  bool replay = false;
  {
    const std::uint64_t failures = conn.failures();
    conn.SetUndoByRollback(true);
    for (std::size_t i = 0; i < group.size() && !replay; ++i) {
      statuses[i] = RunWork(group[i].work, tx);
      replay = !statuses[i].ok() || conn.failures() != failures;
    }
    conn.SetUndoByRollback(false);
  }
  if (!replay) return Commit(conn, commit_seq);
  RollbackIfOpen(conn);
  // A lone work that failed has been undone with the transaction: it failed alone, the
  // group did not. Only one that went on from a failure has to run again.
  if (group.size() == 1 && !statuses[0].ok()) return Status::Ok();
  CallQuietly(replay_observer_);
  std::fill(statuses.begin(), statuses.end(), Status::Ok());
  if (Status status = RunCached(conn, "BEGIN IMMEDIATE"); !status.ok()) return status;
  if (group.size() == 1) {
    // A lone work needs no savepoint: the transaction itself undoes it. Its atomic units
    // keep theirs (undo_by_rollback is off), since it went on from a failure.
    statuses[0] = RunWork(group[0].work, tx);
    if (!statuses[0].ok()) {
      RollbackIfOpen(conn);
      return Status::Ok();  // the work failed alone: the group itself did not
    }
    return Commit(conn, commit_seq);
  }
  Status group_status = [&]() -> Status {
    for (std::size_t i = 0; i < group.size(); ++i) {
      RESTOCK_RETURN_IF_ERROR(RunCached(conn, "SAVEPOINT w"));
      statuses[i] = RunWork(group[i].work, tx);
      if (statuses[i].ok()) {
        RESTOCK_RETURN_IF_ERROR(RunCached(conn, "RELEASE w"));
        continue;
      }
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction; then the
      // group is lost and fails with that error.
      if (!conn.InTransaction()) return statuses[i];
      RESTOCK_RETURN_IF_ERROR(conn.Exec("ROLLBACK TO w; RELEASE w"));
    }
    return Commit(conn, commit_seq);
  }();
  if (!group_status.ok()) RollbackIfOpen(conn);
  return group_status;
}

Status SqliteDatabase::Commit(Connection& conn, std::uint64_t& commit_seq) {
  commit_seq = syncer_->BeginCommit();
  Status status = RunCached(conn, "COMMIT");
  if (!status.ok()) RollbackIfOpen(conn);
  return status;
}

}  // namespace restock::store::sqlite
