// restock::webhooks — when a failed delivery is tried again (docs/webhooks.md): capped
// exponential backoff, first_delay * 2^(n-1) after the n-th failed attempt, at most
// max_delay, until max_attempts attempts have been made. Defaults follow Ordergroove's
// policy (about 1 minute first, 10 minutes cap, 60 attempts, 5-second timeout).
#pragma once

#include <optional>

#include "core/clock.h"
#include "core/status.h"

namespace restock::webhooks {

struct RetryPolicy {
  UnixMicros first_delay = 60'000'000;  // after the first failed attempt
  UnixMicros max_delay = 600'000'000;   // cap between attempts
  int max_attempts = 60;                // attempts in all, the first included
  UnixMicros timeout = 5'000'000;       // per attempt: connect + send + response
};

// InvalidArgument naming the field when a value is out of range (delays and timeout > 0,
// max_delay >= first_delay, max_attempts >= 1).
Status ValidateRetryPolicy(const RetryPolicy& policy);

// The delay before the next attempt after `attempts_made` (>= 1) attempts all failed, or
// nullopt when that was the last one (the delivery has failed).
std::optional<UnixMicros> RetryDelay(const RetryPolicy& policy, int attempts_made);

}  // namespace restock::webhooks
