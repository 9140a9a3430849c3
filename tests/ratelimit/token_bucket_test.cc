#include "ratelimit/token_bucket.h"

#include <gtest/gtest.h>

#include <string>

#include "support/fake_clock.h"

namespace restock::ratelimit {
namespace {

using restock::testing::FakeClock;

// Takes `n` tokens from `key`; returns how many were allowed.
int AcquireMany(TokenBucketLimiter& limiter, std::string_view key, int n) {
  int allowed = 0;
  for (int i = 0; i < n; ++i) allowed += limiter.Acquire(key).allowed ? 1 : 0;
  return allowed;
}

TEST(TokenBucketTest, BurstUpToTheLimitThenRefused) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 600);
  EXPECT_EQ(AcquireMany(limiter, "m1", 600), 600);
  Decision refused = limiter.Acquire("m1");
  EXPECT_FALSE(refused.allowed);
  // 600/minute = one token per 100 ms: retry after the next whole second.
  EXPECT_EQ(refused.retry_after_seconds, 1);
}

TEST(TokenBucketTest, RefillsAtTheConfiguredRate) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 600);
  ASSERT_EQ(AcquireMany(limiter, "m1", 600), 600);
  clock.AdvanceSeconds(1);  // 10 tokens
  EXPECT_EQ(AcquireMany(limiter, "m1", 20), 10);
  clock.AdvanceSeconds(30);  // 300 tokens
  EXPECT_EQ(AcquireMany(limiter, "m1", 1000), 300);
  clock.AdvanceSeconds(3600);  // capped at the capacity
  EXPECT_EQ(AcquireMany(limiter, "m1", 1000), 600);
}

TEST(TokenBucketTest, SustainedRateOverManyMinutesIsExact) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 7);  // not a divisor of 60: 8.571... s per token
  ASSERT_EQ(AcquireMany(limiter, "k", 7), 7);
  int allowed = 0;
  for (int second = 0; second < 600; ++second) {  // ten minutes
    clock.AdvanceSeconds(1);
    allowed += AcquireMany(limiter, "k", 5);
  }
  EXPECT_EQ(allowed, 70);
}

TEST(TokenBucketTest, RetryAfterIsTheWaitForOneToken) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 2);  // one token per 30 s
  ASSERT_EQ(AcquireMany(limiter, "k", 2), 2);
  EXPECT_EQ(limiter.Acquire("k").retry_after_seconds, 30);
  clock.AdvanceSeconds(10);
  EXPECT_EQ(limiter.Acquire("k").retry_after_seconds, 20);
  clock.Set(clock.NowMicros() + 19'500'000);  // 0.5 s left: rounded up
  EXPECT_EQ(limiter.Acquire("k").retry_after_seconds, 1);
  clock.Set(clock.NowMicros() + 500'000);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
}

TEST(TokenBucketTest, RefusedCallsTakeNothing) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 60);  // one per second
  ASSERT_EQ(AcquireMany(limiter, "k", 60), 60);
  EXPECT_EQ(AcquireMany(limiter, "k", 1000), 0);
  clock.AdvanceSeconds(1);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
}

TEST(TokenBucketTest, KeysAreIndependent) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 3);
  EXPECT_EQ(AcquireMany(limiter, "a", 5), 3);
  EXPECT_EQ(AcquireMany(limiter, "b", 5), 3);
  EXPECT_FALSE(limiter.Acquire("a").allowed);
}

TEST(TokenBucketTest, ZeroDisablesAndStoresNothing) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 0);
  EXPECT_FALSE(limiter.enabled());
  EXPECT_EQ(AcquireMany(limiter, "k", 100'000), 100'000);
  EXPECT_EQ(limiter.KeyCount(), 0u);
}

TEST(TokenBucketTest, ClockSteppingBackDoesNotRefill) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 60);
  ASSERT_EQ(AcquireMany(limiter, "k", 60), 60);
  clock.AdvanceSeconds(-3600);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
  clock.AdvanceSeconds(3600);  // back where it was: still nothing earned
  EXPECT_FALSE(limiter.Acquire("k").allowed);
  clock.AdvanceSeconds(1);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
}

TEST(TokenBucketTest, FullBucketsAreDroppedAsTheTableGrows) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 10, /*max_keys=*/100'000);
  for (int i = 0; i < 1024; ++i) ASSERT_TRUE(limiter.Acquire("old" + std::to_string(i)).allowed);
  EXPECT_EQ(limiter.KeyCount(), 1024u);
  clock.AdvanceSeconds(60);  // every old bucket is full again
  ASSERT_TRUE(limiter.Acquire("new").allowed);
  EXPECT_EQ(limiter.KeyCount(), 1u);
}

TEST(TokenBucketTest, TableFullOfBusyKeysFailsOpenForNewKeys) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, 1, /*max_keys=*/4);
  for (const char* key : {"a", "b", "c", "d"}) ASSERT_TRUE(limiter.Acquire(key).allowed);
  // The table is full of buckets still refilling: a new key is allowed but not tracked.
  EXPECT_EQ(AcquireMany(limiter, "e", 3), 3);
  EXPECT_EQ(limiter.KeyCount(), 4u);
  // Tracked keys stay limited.
  EXPECT_FALSE(limiter.Acquire("a").allowed);
  clock.AdvanceSeconds(60);
  EXPECT_TRUE(limiter.Acquire("e").allowed);
  EXPECT_FALSE(limiter.Acquire("e").allowed) << "tracked once the table had room";
}

TEST(TokenBucketTest, LargestLimitDoesNotOverflow) {
  FakeClock clock;
  TokenBucketLimiter limiter(clock, TokenBucketLimiter::kMaxPerMinute);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  clock.AdvanceSeconds(365LL * 24 * 3600);
  EXPECT_EQ(AcquireMany(limiter, "k", 1000), 1000);
}

}  // namespace
}  // namespace restock::ratelimit
