// restock::placement — rule 5: when a product comes back (live again, or more inventory),
// the out-of-stock orders waiting on it are retried at once, not only at the next daily run.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "model/stock_event.h"
#include "placement/local_time.h"
#include "placement/placement_service.h"
#include "store/database.h"

namespace restock::placement {

// Thread-safe. Does not own its dependencies, which must outlive it and every task it posted.
class RestockTrigger {
 public:
  // Runs a task on a background thread; must not run it inline.
  using Executor = std::function<void(std::function<void()>)>;

  // How long a posted task waits for more restocks before it looks, so that a stream of
  // restocks costs one look (a read transaction) per gather rather than one per group
  // commit. Orders waiting on a restocked product are retried this much later at most
  // (docs/decisions.md, "HTTP path").
  static constexpr std::chrono::milliseconds kDefaultGather{5};

  RestockTrigger(PlacementService& placement, store::Database& db, const Clock& clock,
                 ZoneCache& zones, Executor background,
                 std::chrono::milliseconds gather = kDefaultGather)
      : placement_(placement),
        db_(db),
        clock_(clock),
        zones_(zones),
        background_(std::move(background)),
        gather_(gather) {}

  // Called after stock events commit (StockService's commit listener). Returns at once;
  // when any event is a restock, the merchant's orders waiting on those products are retried
  // for the merchant's local today by a background task, `gather` later. Restocks arriving
  // while a task is posted or running are coalesced: at most one task is queued at a time, and it
  // retries everything restocked until then, one Retry per merchant (under a stream of
  // single-product updates, one task per commit would queue without bound behind the retries'
  // reads).
  void OnStockEvents(model::MerchantId merchant, const std::vector<model::StockEvent>& events);

  // The retry itself (what the posted task runs). Public for tests.
  Status Retry(model::MerchantId merchant, std::vector<std::string> product_ids);

 private:
  // The posted task: retries what is pending until nothing is.
  void Drain();

  PlacementService& placement_;
  store::Database& db_;
  const Clock& clock_;
  ZoneCache& zones_;
  Executor background_;
  const std::chrono::milliseconds gather_;

  std::mutex mu_;
  std::map<model::MerchantId, std::set<std::string>> pending_;  // guarded by mu_
  bool posted_ = false;  // a Drain task is queued or running; guarded by mu_
};

}  // namespace restock::placement
