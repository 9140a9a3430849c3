// restock::placement — the knobs of the out-of-stock flow (docs/placement.md, "The
// out-of-stock flow").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "model/order.h"
#include "model/subscription.h"

namespace restock::placement {

struct FlowOptions {
  // An OOS order is retried through day `max_days` of the flow and cancelled on the next.
  int max_days = 30;
  // Days of the flow on which an order.oos_notice event is written.
  std::vector<int> notice_days = {1, 15, 30};
  // Orders per transaction (>= 1). Larger chunks share an fsync; smaller ones let stock
  // updates interleave sooner (the choice: docs/decisions.md, "Placement").
  std::size_t chunk_size = 2000;
  // Write an order.placed event for every placed order. Off by default: a large morning
  // would otherwise write a row per order that nobody reads. Placement writes them anyway
  // for a merchant with an enabled webhook endpoint subscribed to order.placed.
  bool record_placed_events = false;
};

// The flow's settings as an operator writes them (serve and place-orders flags): `max_days`
// at least 1, and `notice_days` a comma-separated list of days 1..max_days, or empty for no
// notices ("1,15,30"; spaces allowed, order and repeats irrelevant). InvalidArgument naming
// the flag (--oos-max-days, --oos-notice-days) otherwise. Other fields keep their defaults.
Result<FlowOptions> MakeFlowOptions(int max_days, std::string_view notice_days);

// A run that skips a subscription's overdue cycles records a subscription.cycle_skipped
// event for each of the first this many (a year of daily cycles); its summary counts all.
inline constexpr std::size_t kMaxRecordedSkips = 366;
// Rule 6 of docs/placement.md: the day an order in the out-of-stock flow since
// order.oos_since is cancelled: day max_days + 1 of the flow, or, for a short frequency (day
// and week frequencies under 30 days), the day the next order of one of its items'
// subscriptions (found in `subscriptions`, by id) is due, whichever comes first. Never after
// the last date that can be stored. REQUIRES: order.oos_since.
CivilDate OosExpiry(const model::Order& order,
                    const std::unordered_map<std::int64_t, model::Subscription>& subscriptions,
                    int max_days);

// What one run did. `out_of_stock` counts orders that entered the flow in this run.
struct PlacementSummary {
  std::size_t considered = 0;
  std::size_t placed = 0;
  // Orders decided to ship for a merchant with a placement target: pending, their hand-off
  // queued in the decision's transaction (docs/handoff.md).
  std::size_t pending = 0;
  std::size_t out_of_stock = 0;
  std::size_t still_out_of_stock = 0;
  std::size_t cancelled = 0;
  std::size_t split = 0;
  std::size_t skipped_items = 0;
  std::size_t next_orders = 0;
  // Cycles passed while their order was overdue: recorded, never placed.
  std::size_t skipped_cycles = 0;
  // Schedules whose next date would fall after 9999-12-31: no next order was written.
  std::size_t schedules_ended = 0;
  // Units placed beyond the inventory (policy place_anyway).
  std::size_t oversold_units = 0;
  // Orders skipped because a stored value could not be read (logged; the run goes on).
  std::size_t unreadable_orders = 0;
  // Hand-off requests waiting for a run that the run made due (PlacementService::Run).
  std::size_t handoffs_due = 0;
  // order.oos_predicted events written after the run (placement/oos_prediction.h).
  std::size_t oos_predicted = 0;
  // Orders created by splits in this call; a run skips them when it meets them again.
  std::vector<std::int64_t> split_order_ids;

  PlacementSummary& operator+=(const PlacementSummary& o) {
    considered += o.considered;
    placed += o.placed;
    pending += o.pending;
    out_of_stock += o.out_of_stock;
    still_out_of_stock += o.still_out_of_stock;
    cancelled += o.cancelled;
    split += o.split;
    skipped_items += o.skipped_items;
    next_orders += o.next_orders;
    skipped_cycles += o.skipped_cycles;
    schedules_ended += o.schedules_ended;
    oversold_units += o.oversold_units;
    unreadable_orders += o.unreadable_orders;
    handoffs_due += o.handoffs_due;
    oos_predicted += o.oos_predicted;
    split_order_ids.insert(split_order_ids.end(), o.split_order_ids.begin(),
                           o.split_order_ids.end());
    return *this;
  }
};

}  // namespace restock::placement
