// restock::handoff — finalizing an order the merchant's platform answered PROCESSING
// (docs/handoff.md, "Finalizing"): PATCH /orders/{id}/finalize_placement/ and
// `restock orders finalize` call FinalizePlacement with what they parsed.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "model/order.h"
#include "store/database.h"

namespace restock::handoff {

// The platform's final answer: code SUCCESS with order_id, or ERROR with error_code (one of
// the placement error codes) and an optional error_message.
struct Finalization {
  std::string code;
  std::string order_id;
  std::string error_code;
  std::string error_message;
};

// Checks `f`: InvalidArgument naming the field otherwise (code not SUCCESS or ERROR, SUCCESS
// without an order_id, ERROR without a known error_code, a value over 255 bytes (1024 for
// the message) or holding control characters).
Status ValidateFinalization(const Finalization& f);

// Applies `f` to the merchant's pending order `order_id` on `day`: SUCCESS places it
// (order.placed), ERROR rejects it (order.rejected). Returns the order. NotFound for another merchant's or an unknown order;
// FailedPrecondition (409), changing nothing, when the order is not pending.
Result<model::Order> FinalizePlacement(store::Database& db, const Clock& clock,
                                       model::MerchantId merchant, std::int64_t order_id,
                                       const Finalization& f, CivilDate day);

}  // namespace restock::handoff
