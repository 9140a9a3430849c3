// restock::store::sqlite::WalSyncer — the second stage of the pipelined group commit.
//
// The group-commit writer commits a group with PRAGMA synchronous=NORMAL: COMMIT writes the
// group's WAL frames (to the OS) and returns without waiting for the disk. The writer then
// hands the group to this syncer and starts the next group at once, while the syncer makes
// the WAL durable (fdatasync) and only then completes the group's works. So the disk
// flush of group N overlaps the execution of group N+1, and one flush may cover several
// groups. No work's `done` runs before the flush that covers its commit has returned.
//
// Readers see a committed group before it is flushed (SQLite publishes the commit when
// COMMIT writes it). So that nobody acts on data a power loss could still take back,
// readers call WaitForBegunCommits() after reading: it returns once every commit begun
// before it was called is durable (at most one flush, well under a millisecond on an idle
// disk). See docs/decisions.md, "Pipelined group commit".
//
// A failed flush is sticky: the commits since the last good flush may or may not be on
// disk (after a failed fsync Linux may drop the dirty pages and report the next fsync as
// good), so every later completion and WaitForBegunCommits returns Unavailable until the
// process restarts and SQLite recovers from the WAL — what PostgreSQL does by panicking.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"

namespace restock::store::sqlite {

class WalSyncer {
 public:
  // Makes everything written to the WAL so far durable. Called on the syncer thread only.
  using SyncFn = std::function<Status()>;
  // Receives OK once the commit is durable (or when nothing was committed), or the sticky
  // sync failure. Runs on the syncer thread.
  using Completion = std::function<void(Status sync)>;

  explicit WalSyncer(SyncFn sync);
  // Stop().
  ~WalSyncer();

  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // The writer calls this right before each COMMIT it issues; returns the commit's number.
  std::uint64_t BeginCommit();

  // The writer calls this after each group, in order. `committed_seq` is the number of the
  // group's successful COMMIT, or 0 when the group committed nothing (it failed): then
  // `complete` runs without a flush of its own, after the groups enqueued before it.
  void Enqueue(std::uint64_t committed_seq, Completion complete);

  // Blocks until every commit begun (BeginCommit) before this call is durable. Returns at
  // once, OK, on the syncer thread itself and after Stop. Returns the sticky failure, if any.
  Status WaitForBegunCommits();

  // The sticky sync failure, or OK.
  Status failure() const;

  // Completes everything enqueued, then stops the thread. Idempotent. REQUIRES: the writer
  // enqueues nothing after (or during) this call.
  void Stop();

 private:
  struct Entry {
    std::uint64_t seq;
    Completion complete;
  };
  void Loop();

  const SyncFn sync_;
  std::atomic<std::uint64_t> begun_{0};

  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // entries queued or stopping
  std::condition_variable durable_cv_;  // durable_ advanced or failure set
  std::deque<Entry> queue_;             // guarded by mu_
  std::uint64_t durable_ = 0;           // guarded by mu_: every commit <= this is durable
  Status failure_;                      // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  bool stopped_ = false;                // guarded by mu_
  std::thread thread_;
};

// A SyncFn that fdatasyncs the file at `path` (the database's "-wal" file): opened on first
// use, reopened if the path names another file since. fdatasync flushes the file's data
// whichever descriptor wrote it. Unavailable with the OS error when it cannot.
WalSyncer::SyncFn FileSync(std::string path);

}  // namespace restock::store::sqlite
