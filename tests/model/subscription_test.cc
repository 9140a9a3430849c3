// model::Advance: next-order dates (docs/placement.md: "Months keep the day of month, clamped
// to the month's end (Jan 31 → Feb 28); since each date is computed from the previous one, a
// clamped day stays (Jan 31 → Feb 28 → Mar 28)").
#include "model/subscription.h"

#include <gtest/gtest.h>

namespace restock::model {
namespace {

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }
Frequency Months(int n) { return Frequency{n, Period::kMonth}; }

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

TEST(AdvanceTest, AClampedDayStaysClampedWhenChained) {
  CivilDate d = D(2026, 1, 31);
  d = Advance(d, Months(1));
  EXPECT_EQ(d, D(2026, 2, 28));
  d = Advance(d, Months(1));
  EXPECT_EQ(d, D(2026, 3, 28));  // from Feb 28, not from the original 31st
  d = Advance(d, Months(1));
  EXPECT_EQ(d, D(2026, 4, 28));
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
