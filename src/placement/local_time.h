// restock::placement — a merchant's local day and time, through a cache of loaded time zones.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "catalog/held_stock.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/time_format.h"
#include "core/timezone.h"
#include "model/merchant.h"

namespace restock::placement {

// Thread-safe. Zones are loaded once and kept (there are a few hundred at most).
class ZoneCache {
 public:
  // The merchant's zone. InvalidArgument for an unknown zone name.
  Result<TimeZone> Get(const std::string& name);

  // The merchant's local calendar day at `t`.
  Result<CivilDate> LocalDate(const model::Merchant& merchant, UnixMicros t);

  // LocalDate at `clock`'s time whenever called. The cache and the clock must outlive it.
  catalog::MerchantToday Today(const Clock& clock);

 private:
  std::mutex mu_;
  std::map<std::string, TimeZone, std::less<>> zones_;
};

}  // namespace restock::placement
