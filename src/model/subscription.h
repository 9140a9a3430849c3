// restock::model — customers' subscriptions: a product, a quantity and a frequency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// `date` + frequency. Months keep the day of month, clamped to the month's end
// (Jan 31 + 1 month = Feb 28 or 29).
CivilDate Advance(CivilDate date, Frequency f);

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

}  // namespace restock::model
