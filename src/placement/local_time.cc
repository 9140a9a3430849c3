#include "placement/local_time.h"

namespace restock::placement {

Result<TimeZone> ZoneCache::Get(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = zones_.find(name);
  if (it != zones_.end()) return it->second;
  RESTOCK_ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(name));
  zones_.emplace(name, zone);
  return zone;
}

Result<CivilDate> ZoneCache::LocalDate(const model::Merchant& merchant, UnixMicros t) {
  RESTOCK_ASSIGN_OR_RETURN(TimeZone zone, Get(merchant.timezone));
  return zone.LocalDate(t);
}

catalog::MerchantToday ZoneCache::Today(const Clock& clock) {
  return [this, &clock](const model::Merchant& merchant) {
    return LocalDate(merchant, clock.NowMicros());
  };
}

}  // namespace restock::placement
