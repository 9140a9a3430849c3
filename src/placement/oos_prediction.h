// restock::placement — order.oos_predicted (docs/placement.md, "Held stock"): warns, once per
// order and oos_warn_days before its place date, that the projected inventory cannot cover
// an unsent order. Thread-safe: pure functions, and calls on the (thread-safe) database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/time_format.h"
#include "model/merchant.h"
#include "model/order.h"
#include "store/database.h"

namespace restock::placement {

// An order the projection cannot cover: its first item short, and the units missing.
struct PredictedShortfall {
  std::int64_t order_id = 0;
  std::string product_id;
  std::int64_t missing = 0;
  bool operator==(const PredictedShortfall&) const = default;
};

// The projection, on the merchant's day `date`: each tracked product's inventory (from
// `inventory`; a product absent or nullopt is untracked and never short) is taken by the
// out-of-stock orders of `held` first, then by its unsent orders by place date and id. An
// unsent order due after `date` and on or before `warn_end` is short when an item's product
// has fewer units left than its quantity. Every order takes its units, short or not (as
// `committed` counts them). Returns the short orders in that order.
std::vector<PredictedShortfall> ProjectShortfalls(
    std::vector<model::Order> held,
    const std::map<std::string, std::optional<std::int64_t>, std::less<>>& inventory,
    CivilDate date, CivilDate warn_end);

// Runs the projection for `merchant` on `date` (its orders due up to date + oos_warn_days;
// nothing when oos_warn_days is 0) on a snapshot, then, for each short order not marked yet,
// marks it (OrderRepo::MarkOosPredicted) and appends its order.oos_predicted event in the
// same transaction, so a second run or another node writes none again. Returns the number of
// events written.
Result<std::size_t> PredictOutOfStock(store::Database& db, const model::Merchant& merchant,
                                      CivilDate date, UnixMicros now);

}  // namespace restock::placement
