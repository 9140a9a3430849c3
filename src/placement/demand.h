// restock::placement — the demand view (issue: GET /products/{id}/demand/): units due per
// day from upcoming and out-of-stock orders, against tracked inventory, so a merchant sees
// the first day stock runs short before it does. Thread-safe; blocking (one read).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/held_stock.h"
#include "core/result.h"
#include "core/time_format.h"
#include "model/ids.h"
#include "model/merchant.h"
#include "store/database.h"

namespace restock::placement {

struct DemandDay {
  CivilDate date;
  std::int64_t units = 0;                // due that day
  std::optional<std::int64_t> remaining;  // inventory left after it; nullopt when untracked
};

struct Demand {
  std::string product_id;
  std::optional<std::int64_t> inventory;
  // Committed and sellable units today (catalog/held_stock.h; null when untracked).
  catalog::HeldStock held;
  // Every day from `today` for `days` days. Overdue units (out-of-stock orders and unsent
  // orders dated before today) count on today.
  std::vector<DemandDay> days;
  std::int64_t total_units = 0;
  std::optional<CivilDate> first_short_day;  // first day `remaining` goes below zero
};

inline constexpr int kMaxDemandDays = 366;

// The demand for `merchant`'s product from its local day `today`, with the held stock of its
// reservation window. NotFound for an unknown product; InvalidArgument unless
// 1 <= days <= kMaxDemandDays.
Result<Demand> ComputeDemand(store::Database& db, const model::Merchant& merchant,
                             const std::string& product_id, CivilDate today, int days);

}  // namespace restock::placement
