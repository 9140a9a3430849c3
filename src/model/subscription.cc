#include "model/subscription.h"

#include <algorithm>

namespace restock::model {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string_view PeriodName(Period p) {
  switch (p) {
    case Period::kDay: return "day";
    case Period::kWeek: return "week";
    case Period::kMonth: return "month";
  }
  return "month";
}

std::optional<Period> ParsePeriod(std::string_view name) {
  for (Period p : {Period::kDay, Period::kWeek, Period::kMonth}) {
    if (PeriodName(p) == name) return p;
  }
  return std::nullopt;
}

bool IsValidFrequency(Frequency f) {
  switch (f.period) {
    case Period::kDay: return f.every >= 1 && f.every <= 730;
    case Period::kWeek: return f.every >= 1 && f.every <= 104;
    case Period::kMonth: return f.every >= 1 && f.every <= 24;
  }
  return false;
}

CivilDate Advance(CivilDate date, Frequency f) {
  switch (f.period) {
    case Period::kDay: return CivilFromDays(DaysFromCivil(date) + f.every);
    case Period::kWeek: return CivilFromDays(DaysFromCivil(date) + 7 * f.every);
    case Period::kMonth: {
      int months = date.year * 12 + (date.month - 1) + f.every;
      CivilDate out{months / 12, months % 12 + 1, date.day};
      out.day = std::min(out.day, DaysInMonth(out.year, out.month));
      return out;
    }
  }
  return date;
}

std::string_view SubscriptionStatusName(SubscriptionStatus s) {
  return s == SubscriptionStatus::kActive ? "active" : "cancelled";
}

std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view name) {
  if (name == "active") return SubscriptionStatus::kActive;
  if (name == "cancelled") return SubscriptionStatus::kCancelled;
  return std::nullopt;
}

}  // namespace restock::model
