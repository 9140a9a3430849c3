#include "placement/policy.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace restock::placement
