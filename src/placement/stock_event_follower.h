// restock::placement — lets `restock serve` notice the stock events other processes commit
// (`restock product ...`, `restock import`), so that a restock written there retries the
// out-of-stock orders waiting on it at once, as one through the API does (docs/placement.md,
// "Back in stock"). It follows the stock-event table by id: every `interval` it reads the
// events above the highest id it has seen and hands those of other processes to a sink
// (RestockTrigger::OnStockEvents).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "model/stock_event.h"
#include "store/database.h"

namespace restock::placement {

// True for the sources `serve` never writes (cli, feed): the events the follower hands on.
// `serve`'s own (api, placement) reach the trigger when they commit, on the node that wrote
// them.
bool WrittenOutsideServe(model::StockSource source);

struct FollowerOptions {
  std::chrono::milliseconds interval{1000};  // between two reads
  // How long an id below the highest seen may stay missing before it is given up. On
  // PostgreSQL ids are taken at insert, so a transaction can commit after one that took a
  // higher id; SQLite commits in id order. Longer than any import chunk's transaction.
  std::chrono::milliseconds gap_wait{30'000};
  std::size_t page = 1000;  // events per read
};

// Start/Stop from one thread; Poll is safe from any thread (polls do not overlap).
// Does not own `db` or `clock`, which must outlive it.
class StockEventFollower {
 public:
  // Called with the followed events of one merchant, lowest id first, off the caller's locks.
  using Sink = std::function<void(model::MerchantId, const std::vector<model::StockEvent>&)>;

  StockEventFollower(store::Database& db, const Clock& clock, Sink sink,
                     FollowerOptions options = {})
      : db_(db), clock_(clock), sink_(std::move(sink)), options_(options) {}
  ~StockEventFollower() { Stop(); }
  StockEventFollower(const StockEventFollower&) = delete;
  StockEventFollower& operator=(const StockEventFollower&) = delete;

  // Starts after the newest event committed now (Seek), then polls on a thread of its own
  // every interval. Errors of a poll are logged and the next poll tries again. Returns the
  // error of the first Seek (the thread is started anyway and seeks again).
  Status Start();
  // Stops the thread after the current poll. Idempotent.
  void Stop();

  // Follows from the newest event committed now (earlier ones are not handed on).
  Status Seek();
  // One read: hands on the followed events committed since the last poll (and those that
  // filled a gap below it). Returns how many events it read, followed or not.
  Result<std::size_t> Poll();

 private:
  // Ids in [first, last] not seen yet, missing since `since`.
  struct Gap {
    std::int64_t last;
    UnixMicros since;
  };
  // Seek, with poll_mu_ held.
  Status SeekLocked();
  Status ReadGaps(store::Transaction& tx, std::vector<model::StockEvent>& out);
  Status ReadHead(store::Transaction& tx, std::vector<model::StockEvent>& out);
  void Deliver(const std::vector<model::StockEvent>& events);

  store::Database& db_;
  const Clock& clock_;
  Sink sink_;
  const FollowerOptions options_;

  std::mutex poll_mu_;                // one Poll/Seek at a time
  bool positioned_ = false;           // guarded by poll_mu_
  std::int64_t high_ = 0;             // highest id seen; guarded by poll_mu_
  std::map<std::int64_t, Gap> gaps_;  // by first id; guarded by poll_mu_

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace restock::placement
