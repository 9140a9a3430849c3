// restock::catalog — stock held for renewals (docs/placement.md, "Held stock"): the units of a
// tracked product that the merchant's due orders need (`committed`) and what is left to sell
// (`sellable`). Thread-safe: pure functions, and reads inside the caller's unit of work.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_format.h"
#include "model/merchant.h"
#include "model/product.h"
#include "store/database.h"

namespace restock::catalog {

// The merchant's local calendar day now (serve and the CLI: placement::ZoneCache).
using MerchantToday = std::function<Result<CivilDate>(const model::Merchant&)>;

// Both nullopt when the product's inventory is untracked.
struct HeldStock {
  std::optional<std::int64_t> committed;
  std::optional<std::int64_t> sellable;  // max(0, inventory - committed)

  bool operator==(const HeldStock&) const = default;
};

// `committed` units against `inventory` (nullopt = untracked).
HeldStock HeldStockOf(const std::optional<std::int64_t>& inventory, std::int64_t committed);

// The last place date whose unsent orders hold stock: `today` + the merchant's
// reservation_days (0: orders due today or earlier).
CivilDate ReservationEnd(const model::Merchant& merchant, CivilDate today);

// A product's id and inventory, as HeldStock is computed for it.
struct StockLevel {
  std::string_view product_id;
  std::optional<std::int64_t> inventory;
};

// HeldStock of each of `levels` (aligned), as `tx` sees the merchant's orders: reads the
// merchant (its reservation_days; its today through `today`) and, for the tracked products
// only, their committed units in one OrderRepo::CommittedUnits call; nothing when none is
// tracked. NotFound when the merchant does not exist; `today`'s error as it is.
Result<std::vector<HeldStock>> ReadHeldStock(store::Transaction& tx, model::MerchantId merchant,
                                             std::span<const StockLevel> levels,
                                             const MerchantToday& today);

// A product as the API and the CLI render it.
struct ProductView {
  model::Product product;
  HeldStock held;
};

}  // namespace restock::catalog
