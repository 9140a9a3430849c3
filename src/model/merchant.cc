#include "model/merchant.h"

#include "model/enum_names.h"

namespace restock::model {

namespace {

constexpr EnumNames<OosPolicy, 4> kOosPolicyNames{{{OosPolicy::kSplit, "split"},
                                                   {OosPolicy::kHold, "hold"},
                                                   {OosPolicy::kSkip, "skip"},
                                                   {OosPolicy::kPlaceAnyway, "place_anyway"}}};

constexpr EnumNames<ReplayProtection, 2> kReplayProtectionNames{
    {{ReplayProtection::kOff, "off"}, {ReplayProtection::kStrict, "strict"}}};

}  // namespace

std::string_view OosPolicyName(OosPolicy p) { return NameOf(kOosPolicyNames, p); }
std::optional<OosPolicy> ParseOosPolicy(std::string_view name) {
  return ValueNamed(kOosPolicyNames, name);
}

std::string_view ReplayProtectionName(ReplayProtection p) {
  return NameOf(kReplayProtectionNames, p);
}
std::optional<ReplayProtection> ParseReplayProtection(std::string_view name) {
  return ValueNamed(kReplayProtectionNames, name);
}

}  // namespace restock::model
