#include "model/merchant.h"

namespace restock::model {

std::string_view OosPolicyName(OosPolicy p) {
  switch (p) {
    case OosPolicy::kSplit: return "split";
    case OosPolicy::kHold: return "hold";
    case OosPolicy::kSkip: return "skip";
    case OosPolicy::kPlaceAnyway: return "place_anyway";
  }
  return "split";
}

std::optional<OosPolicy> ParseOosPolicy(std::string_view name) {
  for (OosPolicy p : {OosPolicy::kSplit, OosPolicy::kHold, OosPolicy::kSkip,
                      OosPolicy::kPlaceAnyway}) {
    if (OosPolicyName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view ReplayProtectionName(ReplayProtection p) {
  return p == ReplayProtection::kStrict ? "strict" : "off";
}

std::optional<ReplayProtection> ParseReplayProtection(std::string_view name) {
  if (name == "off") return ReplayProtection::kOff;
  if (name == "strict") return ReplayProtection::kStrict;
  return std::nullopt;
}

}  // namespace restock::model
