// restock::store::GroupQueue — the queue and writer thread of group commit, shared by the
// storage backends (store/sqlite, store/postgres).
//
// Submit() queues a unit of work and returns at once. One writer thread, started by the
// first Submit, repeatedly takes whatever has accumulated — at most `max_group_works`
// works, oldest first — and hands it to the backend's `commit` callback, which runs the
// group in one transaction and answers each work's `done`. It never waits for more works
// than are already queued: a lone work is handed over at once, and under load groups grow
// by themselves while the previous group commits.
//
// Ordering: works are handed over in the order their Submit calls took the queue's lock
// (arrival order), within a group and across groups; `commit` runs for one group at a time,
// and the next group is taken only after it returned.
//
// The backend decides when a group counts as committed (on SQLite only once the WAL is
// flushed, on another thread), so the queue never calls the group observer itself; it only
// holds it (SetGroupObserver / observer()) for the backend to call at its own point.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/database.h"

namespace restock::store {

// Thread-safe: every method may be called from any thread, except as REQUIRED below.
// Owns its writer thread and the works queued until they are handed to `commit`.
class GroupQueue {
 public:
  // One queued unit of work and its completion, as passed to Database::Submit.
  struct Pending {
    Work work;
    WorkDone done;
    WorkLocks locks;  // what the work declared it will lock (empty when nothing)
  };
  // Runs one group (1..max_group_works works, in arrival order) on the writer thread. The
  // group is the callback's: it must see that every `done` is called exactly once (now or
  // later, on any thread). Must not throw.
  using CommitFn = std::function<void(std::vector<Pending> group)>;
  using Observer = std::function<void(std::size_t works)>;

  // REQUIRES: max_group_works >= 1; `commit` is callable, and usable until Shutdown
  // returned. Starts no thread.
  GroupQueue(std::size_t max_group_works, CommitFn commit);

  // Shuts down (see Shutdown). REQUIRES: no other call is in flight.
  ~GroupQueue();

  GroupQueue(const GroupQueue&) = delete;
  GroupQueue& operator=(const GroupQueue&) = delete;

  // Queues `work` for the writer thread (starting it on first use) and returns at once.
  // Once Shutdown has begun, nothing is queued: `done` is called at once, on the calling
  // thread, with UnavailableError("database is shut down"); an exception it throws is
  // swallowed.
  void Submit(Work work, WorkDone done, WorkLocks locks = {});

  // Replaces the observer returned by observer(); safe at any time.
  void SetGroupObserver(Observer observer);
  // A copy of the current observer (empty unless set). The backend calls it with each
  // group's size where its group counts as committed.
  Observer observer() const;

  // Refuses further Submits, lets the writer hand every work already queued to `commit`
  // (in groups, as usual), and returns once the writer thread has exited — so every
  // `commit` call has returned. Works are not answered by then unless `commit` answered
  // them before returning. Idempotent; concurrent calls all return only once that is done.
  // Starts no thread; returns at once when no work was ever submitted.
  // REQUIRES: not called from `commit` or from a `done` it runs (it would wait on itself).
  void Shutdown();

  // Whether the writer thread has been started (by a Submit); for tests and diagnostics.
  bool writer_started() const;

 private:
  void WriterLoop();

  const std::size_t max_group_works_;
  const CommitFn commit_;

  std::mutex shutdown_mu_;  // serialises Shutdown calls
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  bool started_ = false;       // guarded by mu_
  Observer observer_;          // guarded by mu_
  std::thread writer_;         // started by the first Submit; guarded by mu_
};

}  // namespace restock::store
