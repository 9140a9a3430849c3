#include "placement/demand.h"

#include <span>
#include <string_view>

namespace restock::placement {

Result<Demand> ComputeDemand(store::Database& db, const model::Merchant& merchant,
                             const std::string& product_id, CivilDate today, int days) {
  if (days < 1 || days > kMaxDemandDays) {
    return InvalidArgumentError("days must be 1 to " + std::to_string(kMaxDemandDays));
  }
  // Out-of-stock orders leave the flow after at most 30 days, so 60 days back covers them.
  const std::int64_t first = DaysFromCivil(today);
  const CivilDate from = CivilFromDays(first - 60);
  const CivilDate to = CivilFromDays(first + days - 1);
  std::optional<model::Product> product;
  std::vector<std::pair<CivilDate, std::int64_t>> due;
  std::vector<std::int64_t> committed;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(product, tx.products().Find(merchant.id, product_id));
    if (!product) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(due, tx.orders().UnitsDue(merchant.id, product_id, from, to));
    const std::string_view id = product_id;
    RESTOCK_ASSIGN_OR_RETURN(committed,
                             tx.orders().CommittedUnits(merchant.id, std::span(&id, 1),
                                                        catalog::ReservationEnd(merchant, today)));
    return Status::Ok();
  }));
  if (!product) return NotFoundError("no product '" + product_id + "' for this merchant");

  Demand demand;
  demand.product_id = product_id;
  demand.inventory = product->inventory;
  demand.held = catalog::HeldStockOf(product->inventory, committed.empty() ? 0 : committed[0]);
  demand.days.resize(static_cast<std::size_t>(days));
  for (int i = 0; i < days; ++i) demand.days[i].date = CivilFromDays(first + i);
  for (const auto& [date, units] : due) {
    std::int64_t index = std::max<std::int64_t>(DaysFromCivil(date) - first, 0);
    demand.days[static_cast<std::size_t>(index)].units += units;
  }
  std::optional<std::int64_t> left = product->inventory;
  for (DemandDay& day : demand.days) {
    demand.total_units += day.units;
    if (!left) continue;
    *left -= day.units;
    day.remaining = left;
    if (*left < 0 && !demand.first_short_day) demand.first_short_day = day.date;
  }
  return demand;
}

}  // namespace restock::placement
