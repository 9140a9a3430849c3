// restock::catalog — whether a product can ship, and whether a stock change brings a product
// back (docs/placement.md). Pure functions, thread-safe.
#pragma once

#include <cstdint>

#include "model/product.h"
#include "model/stock_event.h"

namespace restock::catalog {

// True when `quantity` units can ship now: live, not discontinued and, where inventory is
// tracked, at least `quantity` units on hand.
inline bool CanShip(const model::Product& p, std::int64_t quantity) {
  return p.live && !p.discontinued && (!p.inventory || *p.inventory >= quantity);
}

// True when a change may let waiting out-of-stock orders ship: the product is live and not
// discontinued afterwards, and it was not before, or its inventory went up (or stopped
// being tracked).
inline bool IsRestock(const model::StockState& before, const model::StockState& after) {
  if (!after.live || after.discontinued) return false;
  if (!before.live || before.discontinued) return true;
  if (!after.inventory) return before.inventory.has_value();
  return before.inventory && *after.inventory > *before.inventory;
}

}  // namespace restock::catalog
