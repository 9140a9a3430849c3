#include "handoff/finalize.h"

#include <algorithm>

#include "core/json_text.h"
#include "handoff/answer.h"
#include "handoff/outcomes.h"

namespace restock::handoff {
namespace {

Status CheckValue(const char* field, const std::string& value, std::size_t max) {
  bool control = std::any_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (value.size() > max || control || core::FirstInvalidUtf8(value)) {
    return InvalidArgumentError(std::string(field) + " must be text of at most " +
                                std::to_string(max) + " bytes without control characters.");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFinalization(const Finalization& f) {
  if (f.code == "SUCCESS") {
    if (f.order_id.empty()) return InvalidArgumentError("order_id is required with SUCCESS.");
    return CheckValue("order_id", f.order_id, 255);
  }
  if (f.code != "ERROR") return InvalidArgumentError("code must be SUCCESS or ERROR.");
  if (!IsKnownErrorCode(f.error_code)) {
    return InvalidArgumentError(
        "error_code must be one of 020, 100, 110, 120, 130, 140, 150, 160, 170, 180, 999.");
  }
  return CheckValue("error_message", f.error_message, 1024);
}

Result<model::Order> FinalizePlacement(store::Database& db, const Clock& clock,
                                       model::MerchantId merchant, std::int64_t order_id,
                                       const Finalization& f, CivilDate day) {
  RESTOCK_RETURN_IF_ERROR(ValidateFinalization(f));
  model::Order result;
  store::WorkLocks locks{.merchant = merchant, .orders = true, .products = {}};
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction(
      [&](store::Transaction& tx) -> Status {
        RESTOCK_ASSIGN_OR_RETURN(auto order, tx.orders().Find(merchant, order_id));
        if (!order) return NotFoundError("No such order.");
        if (order->status != model::OrderStatus::kPending) {
          return FailedPreconditionError("The order is not pending: nothing to finalize.");
        }
        result = std::move(*order);
        const UnixMicros now = clock.NowMicros();
        if (f.code == "SUCCESS") return Place(tx, result, f.order_id, day, now);
        return Reject(tx, result, f.error_code, f.error_message, day, now);
      },
      locks));
  return result;
}

}  // namespace restock::handoff
