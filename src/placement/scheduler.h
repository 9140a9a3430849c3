// restock::placement — runs each merchant's daily placement at its local placement time,
// inside `restock serve`. A run that completed is recorded per merchant and day, so restarts
// and several schedulers do not repeat it (and a repeat would place nothing twice anyway).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "placement/local_time.h"
#include "placement/placement_service.h"
#include "store/database.h"

namespace restock::placement {

// Start/Stop from one thread; Tick is safe to call from any thread but runs are not
// concurrent with each other within one scheduler.
class Scheduler {
 public:
  Scheduler(PlacementService& placement, store::Database& db, const Clock& clock,
            ZoneCache& zones, std::chrono::milliseconds tick)
      : placement_(placement), db_(db), clock_(clock), zones_(zones), tick_(tick) {}
  ~Scheduler() { Stop(); }

  // Starts the background thread, which calls Tick every `tick`.
  void Start();
  // Stops the thread after the current merchant's run finishes. Idempotent.
  void Stop();

  // One pass: runs placement for every merchant whose local time has reached its placement
  // time today and whose run for today has not completed. Returns how many runs it did. The
  // first pass of a scheduler logs its runs as late starts (the placement time passed before).
  Result<int> Tick();

 private:
  PlacementService& placement_;
  store::Database& db_;
  const Clock& clock_;
  ZoneCache& zones_;
  const std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool first_pass_ = true;  // guarded by run_mu_
  std::thread thread_;
};

}  // namespace restock::placement
