#include "model/subscription.h"

#include <algorithm>

#include "model/enum_names.h"

namespace restock::model {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Months since year 0, and the scheduled date in month `index` for `anchor_day`.
std::int64_t MonthIndex(CivilDate d) { return std::int64_t{d.year} * 12 + (d.month - 1); }
CivilDate AnchoredDate(std::int64_t index, int anchor_day) {
  CivilDate out{static_cast<int>(index / 12), static_cast<int>(index % 12) + 1, anchor_day};
  out.day = std::min(out.day, DaysInMonth(out.year, out.month));
  return out;
}

constexpr std::int64_t kLastMonthIndex = std::int64_t{9999} * 12 + 11;

// The first entry is what an out-of-range value is named (as before: "month", "cancelled").
constexpr EnumNames<Period, 3> kPeriodNames{
    {{Period::kMonth, "month"}, {Period::kDay, "day"}, {Period::kWeek, "week"}}};

constexpr EnumNames<SubscriptionStatus, 2> kSubscriptionStatusNames{
    {{SubscriptionStatus::kCancelled, "cancelled"}, {SubscriptionStatus::kActive, "active"}}};

}  // namespace

std::string_view PeriodName(Period p) { return NameOf(kPeriodNames, p); }
std::optional<Period> ParsePeriod(std::string_view name) { return ValueNamed(kPeriodNames, name); }

bool IsValidFrequency(Frequency f) {
  switch (f.period) {
    case Period::kDay: return f.every >= 1 && f.every <= 730;
    case Period::kWeek: return f.every >= 1 && f.every <= 104;
    case Period::kMonth: return f.every >= 1 && f.every <= 24;
  }
  return false;
}

bool IsShortFrequency(Frequency f) {
  switch (f.period) {
    case Period::kDay:
      return f.every < 30;
    case Period::kWeek:
      return 7 * f.every < 30;
    case Period::kMonth:
      return false;
  }
  return false;
}

bool IsSupportedDate(CivilDate d) { return d >= kFirstSupportedDate && d <= kLastSupportedDate; }

std::optional<CivilDate> NextScheduledDate(CivilDate previous, Frequency f, int anchor_day) {
  return AdvancePast(previous, f, anchor_day, previous, 0).next;
}

ScheduleAdvance AdvancePast(CivilDate previous, Frequency f, int anchor_day, CivilDate after,
                            std::size_t record_limit) {
  // Cycle k (k >= 1) is the k-th scheduled date after `previous`; the answer is the first
  // later than `after`, and every cycle before it is skipped. `first` is a cycle known to be
  // no later than the answer, so the search takes a step or two, however far `after` is.
  auto search = [&](auto cycle, std::int64_t first) {
    ScheduleAdvance out;
    std::int64_t k = std::max<std::int64_t>(1, first);
    for (;; ++k) {
      std::optional<CivilDate> date = cycle(k);
      if (!date || *date > after) {
        out.next = date;
        break;
      }
    }
    out.skipped = k - 1;
    for (std::int64_t i = 1; i < k && out.skipped_dates.size() < record_limit; ++i) {
      out.skipped_dates.push_back(*cycle(i));
    }
    return out;
  };
  if (f.period == Period::kMonth) {
    const std::int64_t base = MonthIndex(previous);
    const int anchor = std::clamp(anchor_day, 1, 31);
    const std::int64_t every = f.every;
    // Cycles in months before `after`'s lie before it.
    return search(
        [base, anchor, every](std::int64_t k) -> std::optional<CivilDate> {
          const std::int64_t index = base + k * every;
          if (index > kLastMonthIndex) return std::nullopt;
          return AnchoredDate(index, anchor);
        },
        (MonthIndex(after) - base) / every);
  }
  const std::int64_t step = f.period == Period::kWeek ? 7LL * f.every : f.every;
  const std::int64_t base = DaysFromCivil(previous);
  const std::int64_t last = DaysFromCivil(kLastSupportedDate);
  return search(
      [base, step, last](std::int64_t k) -> std::optional<CivilDate> {
        const std::int64_t day = base + k * step;
        if (day > last) return std::nullopt;
        return CivilFromDays(day);
      },
      (DaysFromCivil(after) - base) / step);
}

std::string_view SubscriptionStatusName(SubscriptionStatus s) {
  return NameOf(kSubscriptionStatusNames, s);
}
std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view name) {
  return ValueNamed(kSubscriptionStatusNames, name);
}

}  // namespace restock::model
