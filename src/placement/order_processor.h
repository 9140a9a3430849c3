// restock::placement — the placement decision for a batch of orders, inside one transaction
// (docs/placement.md). Every write an order's transition needs (status, split, next orders,
// inventory, stock and order events) happens in the caller's transaction, so it commits
// atomically with the others of the batch or not at all.
#pragma once

#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "model/order.h"
#include "placement/policy.h"
#include "store/database.h"

namespace restock::placement {

// Decides and records the fate of `orders` (unsent or out_of_stock, due on or before `date`)
// for `merchant` on placement day `date`. Products are read inside `tx`, so every stock
// update committed before the transaction is seen. Returns what happened; store errors are
// returned unchanged (the caller's transaction then rolls back).
// Not thread-safe; a ProcessOrders call owns `tx` for its duration.
Result<PlacementSummary> ProcessOrders(store::Transaction& tx, const model::Merchant& merchant,
                                       CivilDate date, std::vector<model::Order> orders,
                                       const FlowOptions& options, UnixMicros now);

// The day of the flow on `date` for an order that entered it on `since` (day 1).
inline int DayInFlow(CivilDate since, CivilDate date) {
  return static_cast<int>(DaysFromCivil(date) - DaysFromCivil(since)) + 1;
}

}  // namespace restock::placement
