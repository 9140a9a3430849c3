// restock::model — customers' subscriptions: a product, a quantity and a frequency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/time_format.h"
#include "model/ids.h"

namespace restock::model {

enum class Period { kDay, kWeek, kMonth };

// "day", "week", "month".
std::string_view PeriodName(Period p);
std::optional<Period> ParsePeriod(std::string_view name);

// Every `every` periods. REQUIRES (for Advance): every >= 1.
struct Frequency {
  int every = 1;
  Period period = Period::kMonth;
  bool operator==(const Frequency&) const = default;
};

// Longest allowed frequency: 24 months / 104 weeks / 730 days.
bool IsValidFrequency(Frequency f);

// Day and week frequencies under 30 days. Months never count as short, whatever the month's
// length (the out-of-stock flow's early end, docs/placement.md).
bool IsShortFrequency(Frequency f);

// The dates restock accepts and stores: 0001-01-01 through 9999-12-31 (four-digit years).
inline constexpr CivilDate kFirstSupportedDate{1, 1, 1};
inline constexpr CivilDate kLastSupportedDate{9999, 12, 31};
bool IsSupportedDate(CivilDate d);

// The date after `previous` in a schedule of frequency `f` anchored on day of month
// `anchor_day` (1..31, the start date's): days and weeks add up; months take the anchor day,
// clamped to each month's end (anchor 31: Jan 31 -> Feb 28 -> Mar 31 -> Apr 30). nullopt
// when that date is after kLastSupportedDate (the schedule ends there).
// REQUIRES: f.every >= 1, previous within 0000..9999.
std::optional<CivilDate> NextScheduledDate(CivilDate previous, Frequency f, int anchor_day);

// The schedule from `previous` moved past `after`: `next` is the first scheduled date later
// than `after` (nullopt when it would be after kLastSupportedDate); `skipped` counts the
// scheduled dates in (previous, after], the first `record_limit` of which are in
// `skipped_dates`, ascending. Computed without walking the cycles one by one.
struct ScheduleAdvance {
  std::optional<CivilDate> next;
  std::int64_t skipped = 0;
  std::vector<CivilDate> skipped_dates;
};
ScheduleAdvance AdvancePast(CivilDate previous, Frequency f, int anchor_day, CivilDate after,
                            std::size_t record_limit);

enum class SubscriptionStatus { kActive, kCancelled };
std::string_view SubscriptionStatusName(SubscriptionStatus s);
std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view name);

struct Subscription {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::string customer_id;
  std::string product_id;
  std::int64_t quantity = 1;
  Frequency frequency;
  SubscriptionStatus status = SubscriptionStatus::kActive;
  CivilDate start;
  UnixMicros created = 0;
  UnixMicros updated = 0;
  bool operator==(const Subscription&) const = default;
};

// The day of month a monthly schedule keeps: the start date's (stored with the subscription).
inline int AnchorDay(const Subscription& s) { return s.start.day; }

}  // namespace restock::model
