#include "ratelimit/token_bucket.h"

#include <algorithm>
#include <cassert>

namespace restock::ratelimit {
namespace {

constexpr std::int64_t kMicrosPerMinute = 60'000'000;
// One token in units: with a refill of N units per microsecond, N tokens per minute.
constexpr std::int64_t kUnitsPerToken = kMicrosPerMinute;
constexpr std::size_t kFirstSweep = 1024;

}  // namespace

TokenBucketLimiter::TokenBucketLimiter(const Clock& clock, std::uint64_t per_minute,
                                       std::size_t max_keys)
    : clock_(clock),
      per_minute_(per_minute),
      capacity_units_(static_cast<std::int64_t>(per_minute) * kUnitsPerToken),
      max_keys_(max_keys),
      sweep_at_(std::min(kFirstSweep, max_keys)) {
  assert(per_minute <= kMaxPerMinute && max_keys >= 1);
}

void TokenBucketLimiter::Refill(Bucket& bucket, UnixMicros now) const {
  // A clock that steps back neither refills nor rewinds the bucket. A full refill takes a
  // minute, so longer gaps are clamped (which also bounds the product below).
  const std::int64_t elapsed = std::clamp<std::int64_t>(now - bucket.updated, 0, kMicrosPerMinute);
  bucket.units = std::min(capacity_units_,
                          bucket.units + elapsed * static_cast<std::int64_t>(per_minute_));
  bucket.updated = std::max(bucket.updated, now);
}

void TokenBucketLimiter::Sweep(UnixMicros now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    if (it->second.units >= capacity_units_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Amortised: the next sweep waits until the table has doubled (or reaches the cap).
  sweep_at_ = std::min(max_keys_, std::max(kFirstSweep, buckets_.size() * 2));
}

Decision TokenBucketLimiter::Acquire(std::string_view key) {
  if (per_minute_ == 0) return {};
  const UnixMicros now = clock_.NowMicros();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= sweep_at_) Sweep(now);
    if (buckets_.size() >= max_keys_) return {};  // fail open, see the header
    it = buckets_.emplace(std::string(key), Bucket{capacity_units_, now}).first;
  }
  Bucket& bucket = it->second;
  Refill(bucket, now);
  if (bucket.units >= kUnitsPerToken) {
    bucket.units -= kUnitsPerToken;
    return {};
  }
  const std::int64_t missing = kUnitsPerToken - bucket.units;
  const auto rate = static_cast<std::int64_t>(per_minute_);
  const std::int64_t wait_micros = (missing + rate - 1) / rate;
  return Decision{.allowed = false,
                  .retry_after_seconds = std::max<std::int64_t>(1, (wait_micros + 999'999) / 1'000'000)};
}

std::size_t TokenBucketLimiter::KeyCount() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace restock::ratelimit
