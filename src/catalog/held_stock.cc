#include "catalog/held_stock.h"

#include <algorithm>
#include <string>

namespace restock::catalog {

HeldStock HeldStockOf(const std::optional<std::int64_t>& inventory, std::int64_t committed) {
  if (!inventory) return HeldStock{};
  return HeldStock{committed, std::max<std::int64_t>(0, *inventory - committed)};
}

CivilDate ReservationEnd(const model::Merchant& merchant, CivilDate today) {
  return CivilFromDays(DaysFromCivil(today) + merchant.reservation_days);
}

Result<std::vector<HeldStock>> ReadHeldStock(store::Transaction& tx, model::MerchantId merchant,
                                             std::span<const StockLevel> levels,
                                             const MerchantToday& today) {
  std::vector<HeldStock> held(levels.size());
  std::vector<std::string_view> tracked;
  std::vector<std::size_t> position;
  for (std::size_t k = 0; k < levels.size(); ++k) {
    if (!levels[k].inventory) continue;
    tracked.push_back(levels[k].product_id);
    position.push_back(k);
  }
  if (tracked.empty()) return held;
  RESTOCK_ASSIGN_OR_RETURN(std::optional<model::Merchant> m, tx.merchants().FindById(merchant));
  if (!m) return NotFoundError("no merchant with id " + std::to_string(merchant));
  RESTOCK_ASSIGN_OR_RETURN(CivilDate local_today, today(*m));
  RESTOCK_ASSIGN_OR_RETURN(
      std::vector<std::int64_t> committed,
      tx.orders().CommittedUnits(merchant, tracked, ReservationEnd(*m, local_today)));
  for (std::size_t t = 0; t < tracked.size(); ++t) {
    const std::size_t k = position[t];
    held[k] = HeldStockOf(levels[k].inventory, committed[t]);
  }
  return held;
}

}  // namespace restock::catalog
