#include "webhooks/retry_policy.h"

namespace restock::webhooks {

Status ValidateRetryPolicy(const RetryPolicy& p) {
  if (p.first_delay <= 0) return InvalidArgumentError("webhook first retry delay must be > 0");
  if (p.max_delay < p.first_delay) {
    return InvalidArgumentError("webhook max retry delay must be >= the first retry delay");
  }
  if (p.max_attempts < 1) return InvalidArgumentError("webhook max attempts must be >= 1");
  if (p.timeout <= 0) return InvalidArgumentError("webhook timeout must be > 0");
  return Status::Ok();
}

std::optional<UnixMicros> RetryDelay(const RetryPolicy& policy, int attempts_made) {
  if (attempts_made >= policy.max_attempts) return std::nullopt;
  UnixMicros delay = policy.first_delay;
  // Doubling stops at the cap, so this never overflows however many attempts are allowed.
  for (int i = 1; i < attempts_made && delay < policy.max_delay; ++i) delay *= 2;
  return delay < policy.max_delay ? delay : policy.max_delay;
}

}  // namespace restock::webhooks
