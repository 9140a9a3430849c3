#include "webhooks/retry_policy.h"

#include <gtest/gtest.h>

namespace restock::webhooks {
namespace {

constexpr UnixMicros kSecond = 1'000'000;

TEST(RetryPolicyTest, DefaultScheduleDoublesFromOneMinuteAndCapsAtTen) {
  RetryPolicy p;
  std::vector<UnixMicros> delays;
  for (int n = 1; n <= 7; ++n) delays.push_back(*RetryDelay(p, n));
  EXPECT_EQ(delays,
            (std::vector<UnixMicros>{60 * kSecond, 120 * kSecond, 240 * kSecond, 480 * kSecond,
                                     600 * kSecond, 600 * kSecond, 600 * kSecond}));
}

TEST(RetryPolicyTest, SixtyAttemptsInAllThenFailed) {
  RetryPolicy p;
  EXPECT_EQ(RetryDelay(p, 59), 600 * kSecond);
  EXPECT_EQ(RetryDelay(p, 60), std::nullopt);
  EXPECT_EQ(RetryDelay(p, 61), std::nullopt);
  // About 9.6 hours from the first attempt to the last.
  UnixMicros total = 0;
  for (int n = 1; n < 60; ++n) total += *RetryDelay(p, n);
  EXPECT_EQ(total, (60 + 120 + 240 + 480 + 55 * 600) * kSecond);
}

TEST(RetryPolicyTest, HugeAttemptCountsDoNotOverflow) {
  RetryPolicy p;
  p.max_attempts = 1'000'000;
  EXPECT_EQ(RetryDelay(p, 999'999), p.max_delay);
}

TEST(RetryPolicyTest, OneAttemptMeansNoRetry) {
  RetryPolicy p;
  p.max_attempts = 1;
  EXPECT_EQ(RetryDelay(p, 1), std::nullopt);
}

TEST(RetryPolicyTest, ValidationNamesTheBadSetting) {
  RetryPolicy p;
  EXPECT_TRUE(ValidateRetryPolicy(p).ok());
  p.first_delay = 0;
  EXPECT_NE(ValidateRetryPolicy(p).message().find("first retry"), std::string::npos);
  p = {};
  p.max_delay = p.first_delay - 1;
  EXPECT_NE(ValidateRetryPolicy(p).message().find("max retry"), std::string::npos);
  p = {};
  p.max_attempts = 0;
  EXPECT_NE(ValidateRetryPolicy(p).message().find("attempts"), std::string::npos);
  p = {};
  p.timeout = 0;
  EXPECT_NE(ValidateRetryPolicy(p).message().find("timeout"), std::string::npos);
}

}  // namespace
}  // namespace restock::webhooks
