// restock::store — one numbered schema migration. Both backends keep the same numbering:
// migration N is the same schema change in each, written in that backend's dialect.
#pragma once

#include <span>

namespace restock::store {

struct Migration {
  int version;      // increasing; numbers are reserved per feature, so gaps may exist
  const char* sql;  // one or more statements, run in one transaction
};

// Whether versions strictly increase (and start above 0). Numbers are reserved per feature
// (docs/decisions.md), so one may land before a smaller one: versions only have to increase,
// and each is applied when it is not yet recorded (not merely when it is above the newest
// recorded one).
constexpr bool VersionsAreIncreasing(std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) return false;
    previous = m.version;
  }
  return true;
}

}  // namespace restock::store
