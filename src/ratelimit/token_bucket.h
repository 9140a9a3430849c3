// restock::ratelimit — rate limits per key (a merchant, a client address), one token bucket
// per key. Knows nothing of HTTP or merchants; time comes from an injected Clock.
//
// A limit of N per minute is a bucket holding at most N tokens that refills continuously at
// N per 60 seconds; each call takes one token. So a key may burst up to N calls at once and
// sustains N per minute; an idle key is back to a full bucket after a minute. A refused call
// takes nothing. Arithmetic is integral (no drift): a token is 60,000,000 units and the
// bucket gains N units per microsecond.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace restock::ratelimit {

struct Decision {
  bool allowed = true;
  // When refused: whole seconds until a token is available (>= 1). 0 when allowed.
  std::int64_t retry_after_seconds = 0;
};

// Thread-safe (one mutex; a call is a hash lookup and a few integer operations).
// Does not own `clock`, which must outlive it.
class TokenBucketLimiter {
 public:
  // Largest accepted per-minute limit (keeps the integer arithmetic far from overflow).
  static constexpr std::uint64_t kMaxPerMinute = 1'000'000'000;

  // `per_minute` == 0 disables the limiter: every call is allowed and nothing is stored.
  // `max_keys` bounds memory: buckets that have refilled completely are indistinguishable
  // from absent ones and are dropped when the table grows; if it still holds `max_keys`
  // buckets that are all in use, calls for new keys are allowed without being tracked (fail
  // open: a flood of distinct keys must not lock out every new client).
  // REQUIRES: per_minute <= kMaxPerMinute, max_keys >= 1.
  TokenBucketLimiter(const Clock& clock, std::uint64_t per_minute,
                     std::size_t max_keys = 100'000);

  // Takes a token from `key`'s bucket if it has one.
  Decision Acquire(std::string_view key);

  bool enabled() const { return per_minute_ != 0; }
  std::uint64_t per_minute() const { return per_minute_; }
  // Buckets currently stored (for tests and metrics).
  std::size_t KeyCount() const;

 private:
  struct Bucket {
    std::int64_t units = 0;       // tokens * kUnitsPerToken
    UnixMicros updated = 0;       // when `units` was last brought up to date
  };

  // Brings `bucket` up to `now`.
  void Refill(Bucket& bucket, UnixMicros now) const;
  // Drops full buckets. REQUIRES: mu_ held.
  void Sweep(UnixMicros now);

  const Clock& clock_;
  const std::uint64_t per_minute_;
  const std::int64_t capacity_units_;
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  std::size_t sweep_at_;                             // guarded by mu_
};

}  // namespace restock::ratelimit
