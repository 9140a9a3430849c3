#include "placement/policy.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "core/text.h"

namespace restock::placement {
Result<FlowOptions> MakeFlowOptions(int max_days, std::string_view notice_days) {
  if (max_days < 1 || max_days > 3650) {
    return InvalidArgumentError("--oos-max-days must be 1 to 3650");
  }
  FlowOptions options;
  options.max_days = max_days;
  options.notice_days.clear();
  std::string_view rest = core::TrimBlanks(notice_days);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = core::TrimBlanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    int day = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), day);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || day < 1 ||
        day > max_days) {
      return InvalidArgumentError("--oos-notice-days must be a comma-separated list of days 1 to " +
                                  std::to_string(max_days) + ", got '" + std::string(item) + "'");
    }
    if (std::find(options.notice_days.begin(), options.notice_days.end(), day) ==
        options.notice_days.end()) {
      options.notice_days.push_back(day);
    }
  }
  std::sort(options.notice_days.begin(), options.notice_days.end());
  return options;
}

CivilDate OosExpiry(const model::Order& order,
                    const std::unordered_map<std::int64_t, model::Subscription>& subscriptions,
                    int max_days) {
  std::int64_t expires = DaysFromCivil(*order.oos_since) + max_days;
  for (const model::OrderItem& item : order.items) {
    auto it = subscriptions.find(item.subscription_id);
    if (it == subscriptions.end() || !model::IsShortFrequency(it->second.frequency)) continue;
    const model::Subscription& sub = it->second;
    std::optional<CivilDate> next = model::AdvancePast(order.place_date, sub.frequency,
                                                       model::AnchorDay(sub), *order.oos_since, 0)
                                        .next;
    if (next) expires = std::min(expires, DaysFromCivil(*next));
  }
  return CivilFromDays(std::min(expires, DaysFromCivil(model::kLastSupportedDate)));
}

}  // namespace restock::placement
