// restock::handoff — `serve`'s background hand-off (docs/handoff.md, "Delivery"): a thread
// (`restock-handoff`) looks every poll interval, or at once after Wake(), for merchants with a
// placement target and due requests, and sends each merchant's on a thread of its own
// (Sender::SendDue, `concurrency` requests in flight), so one merchant's slow or dead platform
// delays no other merchant and no request of the API. The queue depth is the gauge
// restock_handoff_queue_depth.
//
// Thread-safety: Start/Wake/Stop from any thread. Ownership: borrows the database, clock,
// zone cache and registry, which must outlive it.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "handoff/sender.h"
#include "placement/local_time.h"

namespace restock::handoff {

class HandoffService {
 public:
  HandoffService(store::Database& db, const Clock& clock, core::TargetPolicy targets,
                 placement::FlowOptions flow, placement::ZoneCache& zones,
                 metrics::Registry* registry, UnixMicros poll_interval = 1'000'000);
  ~HandoffService();  // stops
  HandoffService(const HandoffService&) = delete;
  HandoffService& operator=(const HandoffService&) = delete;

  // Starts the looking thread. REQUIRES: not started.
  void Start();
  // Looks for due requests now (after a placement run queued some), and again when a
  // merchant's sending that is running now ends.
  void Wake();
  // Abandons requests in flight (they are due again at once: the next start or another node
  // sends them) and joins every thread. Idempotent.
  void Stop();

 private:
  struct MerchantWork {
    std::thread thread;
    bool running = false;
    // Woken while running: the sender may have finished its last claim before the requests
    // that woke it were committed, so the service looks again when it ends.
    bool look_again = false;
  };
  void Loop();
  // One look: starts a sender for every merchant with due requests and none running.
  Status LookOnce();

  store::Database& db_;
  const Clock& clock_;
  placement::ZoneCache& zones_;
  Sender sender_;
  const UnixMicros poll_interval_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::map<model::MerchantId, std::unique_ptr<MerchantWork>> work_;  // guarded by mu_
  std::thread looker_;
};

}  // namespace restock::handoff
