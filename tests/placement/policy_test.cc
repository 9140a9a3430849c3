#include "placement/policy.h"

#include <gtest/gtest.h>

#include "placement/placement_service.h"

namespace restock::placement {
namespace {

TEST(MakeFlowOptionsTest, ParsesTheDefaultsAndOthers) {
  Result<FlowOptions> d = MakeFlowOptions(30, "1,15,30");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->max_days, 30);
  EXPECT_EQ(d->notice_days, (std::vector<int>{1, 15, 30}));
  EXPECT_EQ(d->chunk_size, FlowOptions{}.chunk_size);

  Result<FlowOptions> o = MakeFlowOptions(10, " 10, 2 ,2,5 ");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->notice_days, (std::vector<int>{2, 5, 10}));

  Result<FlowOptions> none = MakeFlowOptions(7, "");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->notice_days.empty());
}

TEST(MakeFlowOptionsTest, RejectsBadSettings) {
  for (const char* days : {"0", "31", "1,,2", "x", "1;2", "-1", "1.5", "99999999999", ","}) {
    Result<FlowOptions> r = MakeFlowOptions(30, days);
    ASSERT_FALSE(r.ok()) << days;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << days;
  }
  EXPECT_FALSE(MakeFlowOptions(0, "").ok());
  EXPECT_FALSE(MakeFlowOptions(-5, "").ok());
  EXPECT_FALSE(MakeFlowOptions(3651, "").ok());
}

TEST(CheckRunDateTest, MoreThanOneDayAheadNeedsForce) {
  const CivilDate today{2026, 12, 6};
  EXPECT_TRUE(CheckRunDate({2026, 12, 7}, today, false).ok());
  EXPECT_TRUE(CheckRunDate({2020, 1, 1}, today, false).ok());
  Status ahead = CheckRunDate({2026, 12, 8}, today, false);
  EXPECT_EQ(ahead.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ahead.message().find("--force"), std::string::npos) << ahead.message();
  EXPECT_TRUE(CheckRunDate({2026, 12, 8}, today, true).ok());
  EXPECT_TRUE(CheckRunDate({9999, 12, 31}, today, true).ok());
  EXPECT_EQ(CheckRunDate({0, 12, 31}, today, true).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace restock::placement
