// restock::placement — queuing the hand-off of decided orders (docs/handoff.md): for a
// merchant with a placement target, an order the decision ships becomes `pending` and gets an
// outbox request in the decision's own transaction, so a crash never loses its hand-off.
// Not thread-safe; lives inside one placement batch.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "model/handoff.h"
#include "model/order.h"
#include "model/subscription.h"
#include "store/database.h"

namespace restock::placement {

// Longest time an order without an answer is retried (a shorter frequency wins).
inline constexpr int kMaxNoAnswerDays = 90;

// The last day a hand-off without an answer is retried: `order`'s place date + 90 days, or
// + one cycle of its shortest subscription frequency when that is sooner.
CivilDate GiveUpOn(const model::Order& order,
                   const std::unordered_map<std::int64_t, model::Subscription>& subscriptions);

class HandoffQueue {
 public:
  // Reads the merchant's target in `tx`; without one the queue stays inactive.
  Status Load(store::Transaction& tx, model::MerchantId merchant);
  // Whether the merchant has a target (decided orders are then pending, not placed).
  bool active() const { return active_; }
  // Queues the hand-off of `order`. `handed_off_before`: the order may have been sent
  // already (it comes back from the out-of-stock flow, where a platform's out-of-stock answer
  // can put a whole order); it then goes out under its next sequence (`<id>-<n>`), since the
  // platform keeps its answer to the earlier key. REQUIRES: active(), order.id assigned.
  void Add(const model::Order& order,
           const std::unordered_map<std::int64_t, model::Subscription>& subscriptions,
           UnixMicros now, bool handed_off_before);
  // Writes the queued requests. Call after the orders' rows are written.
  Status Flush(store::Transaction& tx);

 private:
  bool active_ = false;
  std::vector<model::HandoffRequest> requests_;
  std::vector<std::size_t> returning_;  // indexes into requests_ of handed_off_before orders
};

}  // namespace restock::placement
