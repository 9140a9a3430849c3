// Schedules (docs/placement.md, "Schedules"): next-order dates, the monthly anchor day
// clamped to each month's end (Jan 31 → Feb 28 → Mar 31 → Apr 30), overdue cycles moved past
// the run's day, and the end of the calendar.
#include "model/subscription.h"

#include <gtest/gtest.h>

#include <vector>

namespace restock::model {
namespace {

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }
Frequency Months(int n) { return Frequency{n, Period::kMonth}; }
Frequency Days(int n) { return Frequency{n, Period::kDay}; }
Frequency Weeks(int n) { return Frequency{n, Period::kWeek}; }

// The date after `date` in a schedule anchored on `date`'s own day of month.
CivilDate Advance(CivilDate date, Frequency f) { return *NextScheduledDate(date, f, date.day); }

TEST(AdvanceTest, MonthKeepsTheDayOfMonth) {
  EXPECT_EQ(Advance(D(2026, 1, 15), Months(1)), D(2026, 2, 15));
  EXPECT_EQ(Advance(D(2026, 8, 1), Months(1)), D(2026, 9, 1));
  EXPECT_EQ(Advance(D(2026, 3, 31), Months(2)), D(2026, 5, 31));
}

TEST(AdvanceTest, MonthClampsToTheEndOfAShorterMonth) {
  EXPECT_EQ(Advance(D(2026, 1, 31), Months(1)), D(2026, 2, 28));  // common year
  EXPECT_EQ(Advance(D(2026, 1, 29), Months(1)), D(2026, 2, 28));
  EXPECT_EQ(Advance(D(2026, 3, 31), Months(1)), D(2026, 4, 30));
  EXPECT_EQ(Advance(D(2026, 5, 31), Months(1)), D(2026, 6, 30));
  EXPECT_EQ(Advance(D(2026, 8, 31), Months(1)), D(2026, 9, 30));
  EXPECT_EQ(Advance(D(2026, 10, 31), Months(1)), D(2026, 11, 30));
}

TEST(AdvanceTest, FebruaryOfLeapYearsHas29Days) {
  EXPECT_EQ(Advance(D(2028, 1, 31), Months(1)), D(2028, 2, 29));  // divisible by 4
  EXPECT_EQ(Advance(D(2028, 1, 29), Months(1)), D(2028, 2, 29));
  EXPECT_EQ(Advance(D(2000, 1, 30), Months(1)), D(2000, 2, 29));  // divisible by 400
  EXPECT_EQ(Advance(D(2100, 1, 31), Months(1)), D(2100, 2, 28));  // by 100, not by 400
  EXPECT_EQ(Advance(D(1900, 1, 31), Months(1)), D(1900, 2, 28));
  // Feb 29 itself: a year later there is no Feb 29 unless that year is a leap year too.
  EXPECT_EQ(Advance(D(2028, 2, 29), Months(12)), D(2029, 2, 28));
  EXPECT_EQ(Advance(D(2028, 2, 29), Months(48)), D(2032, 2, 29));
}

TEST(AdvanceTest, EveryNMonthsCrossesYearsAndClampsInTheTargetMonth) {
  EXPECT_EQ(Advance(D(2026, 11, 30), Months(3)), D(2027, 2, 28));
  EXPECT_EQ(Advance(D(2027, 11, 30), Months(3)), D(2028, 2, 29));
  EXPECT_EQ(Advance(D(2026, 12, 31), Months(1)), D(2027, 1, 31));
  EXPECT_EQ(Advance(D(2026, 12, 31), Months(2)), D(2027, 2, 28));
  EXPECT_EQ(Advance(D(2026, 8, 31), Months(6)), D(2027, 2, 28));
  EXPECT_EQ(Advance(D(2026, 7, 31), Months(11)), D(2027, 6, 30));
  EXPECT_EQ(Advance(D(2026, 12, 15), Months(12)), D(2027, 12, 15));
  EXPECT_EQ(Advance(D(2026, 1, 31), Months(24)), D(2028, 1, 31));  // the longest frequency
  EXPECT_EQ(Advance(D(2027, 2, 28), Months(13)), D(2028, 3, 28));
}

TEST(ScheduleTest, MonthlyKeepsTheAnchorDayAfterAClampedMonth) {
  // Chained from each previous date, as placement computes them: the 31st comes back.
  CivilDate d = D(2027, 1, 31);
  std::vector<CivilDate> seen;
  for (int i = 0; i < 4; ++i) {
    d = *NextScheduledDate(d, Months(1), 31);
    seen.push_back(d);
  }
  EXPECT_EQ(seen, (std::vector<CivilDate>{D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30),
                                          D(2027, 5, 31)}));
  // A leap-day start lands on Feb 29 whenever there is one.
  d = D(2028, 2, 29);
  seen.clear();
  for (int i = 0; i < 4; ++i) {
    d = *NextScheduledDate(d, Months(12), 29);
    seen.push_back(d);
  }
  EXPECT_EQ(seen, (std::vector<CivilDate>{D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28),
                                          D(2032, 2, 29)}));
  // Every N months likewise: the 30th, every 3 months, through February.
  EXPECT_EQ(NextScheduledDate(D(2027, 2, 28), Months(3), 30), D(2027, 5, 30));
  EXPECT_EQ(NextScheduledDate(D(2026, 11, 30), Months(3), 30), D(2027, 2, 28));
}

TEST(ScheduleTest, AdvancePastSkipsEveryCycleUpToTheDayAndCountsThem) {
  // The repro: weekly from 2027-01-01, run on 2027-01-29.
  ScheduleAdvance a = AdvancePast(D(2027, 1, 1), Weeks(1), 1, D(2027, 1, 29), 10);
  EXPECT_EQ(a.next, D(2027, 2, 5));
  EXPECT_EQ(a.skipped, 4);
  EXPECT_EQ(a.skipped_dates, (std::vector<CivilDate>{D(2027, 1, 8), D(2027, 1, 15), D(2027, 1, 22),
                                                     D(2027, 1, 29)}));
  // Not overdue: the plain next date, nothing skipped.
  a = AdvancePast(D(2027, 1, 29), Weeks(1), 29, D(2027, 1, 29), 10);
  EXPECT_EQ(a.next, D(2027, 2, 5));
  EXPECT_EQ(a.skipped, 0);
  // Recording stops at the limit; counting does not.
  a = AdvancePast(D(2027, 1, 1), Days(1), 1, D(2027, 12, 31), 3);
  EXPECT_EQ(a.next, D(2028, 1, 1));
  EXPECT_EQ(a.skipped, 364);
  EXPECT_EQ(a.skipped_dates, (std::vector<CivilDate>{D(2027, 1, 2), D(2027, 1, 3), D(2027, 1, 4)}));
  // Months: anchored, and the cycle in the day's own month counts only up to the day.
  a = AdvancePast(D(2027, 1, 31), Months(1), 31, D(2027, 4, 29), 10);
  EXPECT_EQ(a.next, D(2027, 4, 30));
  EXPECT_EQ(a.skipped_dates, (std::vector<CivilDate>{D(2027, 2, 28), D(2027, 3, 31)}));
  a = AdvancePast(D(2027, 1, 31), Months(2), 31, D(2027, 5, 31), 10);
  EXPECT_EQ(a.next, D(2027, 7, 31));
  EXPECT_EQ(a.skipped_dates, (std::vector<CivilDate>{D(2027, 3, 31), D(2027, 5, 31)}));
}

TEST(ScheduleTest, AdvancePastAgreesWithStepByStepOverManyDays) {
  for (Frequency f : {Days(1), Days(3), Weeks(1), Weeks(2), Months(1), Months(5), Months(24)}) {
    for (int anchor : {1, 28, 29, 30, 31}) {
      const CivilDate start = D(2027, 1, std::min(anchor, 31));
      for (int offset = 0; offset < 800; offset += 7) {
        const CivilDate day = CivilFromDays(DaysFromCivil(start) + offset);
        std::vector<CivilDate> walked;
        CivilDate next = *NextScheduledDate(start, f, anchor);
        while (next <= day) {
          walked.push_back(next);
          next = *NextScheduledDate(next, f, anchor);
        }
        ScheduleAdvance a = AdvancePast(start, f, anchor, day, 10'000);
        ASSERT_EQ(a.next, next) << offset;
        ASSERT_EQ(a.skipped_dates, walked) << offset;
        ASSERT_EQ(a.skipped, static_cast<std::int64_t>(walked.size()));
      }
    }
  }
}

TEST(ScheduleTest, TheScheduleEndsWithTheCalendar) {
  EXPECT_EQ(NextScheduledDate(D(9999, 12, 15), Months(1), 15), std::nullopt);
  EXPECT_EQ(NextScheduledDate(D(9999, 12, 24), Weeks(1), 24), D(9999, 12, 31));
  EXPECT_EQ(NextScheduledDate(D(9999, 12, 31), Days(1), 31), std::nullopt);
  ScheduleAdvance a = AdvancePast(D(9999, 12, 1), Weeks(1), 1, D(9999, 12, 31), 10);
  EXPECT_EQ(a.next, std::nullopt);
  EXPECT_EQ(a.skipped, 4);  // Dec 8, 15, 22, 29
  EXPECT_TRUE(IsSupportedDate(D(1, 1, 1)));
  EXPECT_TRUE(IsSupportedDate(D(9999, 12, 31)));
  EXPECT_FALSE(IsSupportedDate(D(0, 12, 31)));
  EXPECT_FALSE(IsSupportedDate(D(10000, 1, 1)));
}

TEST(ScheduleTest, OnlyDayAndWeekFrequenciesUnderThirtyDaysAreShort) {
  EXPECT_TRUE(IsShortFrequency(Days(29)));
  EXPECT_FALSE(IsShortFrequency(Days(30)));
  EXPECT_TRUE(IsShortFrequency(Weeks(4)));
  EXPECT_FALSE(IsShortFrequency(Weeks(5)));
  EXPECT_FALSE(IsShortFrequency(Months(1)));  // even when the month is February
}

TEST(AdvanceTest, DaysAndWeeksCrossMonthEndsAndLeapDays) {
  EXPECT_EQ(Advance(D(2026, 1, 31), Frequency{1, Period::kDay}), D(2026, 2, 1));
  EXPECT_EQ(Advance(D(2028, 2, 28), Frequency{1, Period::kDay}), D(2028, 2, 29));
  EXPECT_EQ(Advance(D(2026, 2, 28), Frequency{1, Period::kDay}), D(2026, 3, 1));
  EXPECT_EQ(Advance(D(2026, 12, 31), Frequency{1, Period::kDay}), D(2027, 1, 1));
  EXPECT_EQ(Advance(D(2028, 2, 22), Frequency{1, Period::kWeek}), D(2028, 2, 29));
  EXPECT_EQ(Advance(D(2026, 2, 22), Frequency{1, Period::kWeek}), D(2026, 3, 1));
  EXPECT_EQ(Advance(D(2026, 1, 31), Frequency{4, Period::kWeek}), D(2026, 2, 28));
  EXPECT_EQ(Advance(D(2026, 1, 1), Frequency{730, Period::kDay}), D(2028, 1, 1));
}

}  // namespace
}  // namespace restock::model
