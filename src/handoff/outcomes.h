// restock::handoff — what an answer does to its order (docs/handoff.md, "Answers"), written
// in one transaction with the end of the request's claim, so an answer is recorded once or
// not at all:
//   SUCCESS                     -> placed, merchant_order_id, event order.placed
//   PROCESSING / SUCCESS + 010  -> stays pending until finalize_placement
//   ERROR 020 100 110 120 130 150 160 170 180 -> rejected, event order.rejected
//   ERROR 140, 999              -> waits for the next run; rejected after max_retries retries
//   ERROR 999 + outOfStock      -> the named items move into the OOS flow (their products
//                                  live:false, source placement); the rest is re-sent now as
//                                  <order id>-<n>
//   no answer                   -> waits for the next run; rejected (no_connection) after
//                                  give_up_on
//   anything else               -> rejected, response_processing
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "handoff/answer.h"
#include "model/handoff.h"
#include "model/merchant.h"
#include "placement/policy.h"
#include "store/database.h"

namespace restock::handoff {

// What the answer did to the order.
enum class Disposition {
  kPlaced,
  kPending,     // processing, or waiting for the next run
  kRejected,
  kResent,      // out of stock: the named items moved to the OOS flow, the rest queued again
  kOutOfStock,  // out of stock: every item was named, the whole order is in the OOS flow
  kLostClaim,   // the claim had run out and someone else took the request: nothing written
  kNotPending,  // the order was no longer pending (cancelled, finalized): request closed
};

struct OutcomeContext {
  const model::Merchant& merchant;
  const model::PlacementTarget& target;
  CivilDate day;  // the run's day (the merchant's local date)
  UnixMicros now;
  const placement::FlowOptions& flow;
};

struct Recorded {
  Disposition disposition = Disposition::kPending;
  model::Order order;  // as written (for logs and summaries)
};

// Records `answer` to `request` (claimed under `token`) in `tx`: ends the claim and writes
// the order's outcome. Store errors are returned (the caller's transaction rolls back).
Result<Recorded> RecordAnswer(store::Transaction& tx, const OutcomeContext& context,
                              const model::HandoffRequest& request, std::string_view token,
                              const Answer& answer);

// Ends a pending order's hand-off with `code`/`message`: rejected, event order.rejected.
// Used for answers and for PATCH /orders/{id}/finalize_placement/.
Status Reject(store::Transaction& tx, model::Order& order, std::string code, std::string message,
              CivilDate day, UnixMicros now);
// Places a pending order the platform accepted (`merchant_order_id`): event order.placed.
Status Place(store::Transaction& tx, model::Order& order, std::string merchant_order_id,
             CivilDate day, UnixMicros now);

}  // namespace restock::handoff
