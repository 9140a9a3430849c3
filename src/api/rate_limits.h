// restock::api — rate limits at the HTTP layer (docs/security.md, README.md, API):
//   * per client address, on every request, before routing or authentication;
//   * per merchant, on the batch endpoints, right after authentication succeeds. A request
//     refused by authentication does not count against the merchant it names: its
//     public_id is unproven, and counting it would let anyone exhaust a merchant's budget.
//     It does count against its client address.
// A refused request is answered 429 with `Retry-After: SECONDS` and
// {"detail":"Request was throttled. Expected available in N seconds."}; nothing is applied.
// The buckets themselves are ratelimit::TokenBucketLimiter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "http/message.h"
#include "metrics/registry.h"
#include "model/ids.h"
#include "ratelimit/token_bucket.h"

namespace restock::api {

struct RateLimitOptions {
  std::uint64_t per_client_per_minute = 6'000;  // 0 = off
  std::uint64_t per_merchant_per_minute = 600;  // 0 = off
  // Count clients by the last address of X-Forwarded-For (the one the proxy in front of
  // restock appended) instead of the TCP peer. Only safe when every request comes through
  // such a proxy: otherwise a client can name any address it likes.
  bool trust_forwarded_for = false;
};

// The address a request is counted under: the peer address, or with `trust_forwarded_for`
// the last comma-separated entry of the last X-Forwarded-For header (falling back to the
// peer when absent or empty). IPv6 addresses are cut to their /64 network, which one host
// usually owns whole.
std::string ClientKey(const http::Request& request, bool trust_forwarded_for);

// The 429 response for a refusal.
http::Response TooManyRequests(std::int64_t retry_after_seconds);

// Thread-safe. Does not own the clock or registry, which must outlive it.
class RateLimits {
 public:
  // REQUIRES: both limits <= ratelimit::TokenBucketLimiter::kMaxPerMinute.
  RateLimits(const Clock& clock, metrics::Registry& registry, RateLimitOptions options);

  // nullopt when the request's client may proceed (and takes a token); the 429 otherwise.
  std::optional<http::Response> CheckClient(const http::Request& request);
  // The same for an authenticated merchant.
  std::optional<http::Response> CheckMerchant(model::MerchantId merchant);

 private:
  const bool trust_forwarded_for_;
  ratelimit::TokenBucketLimiter clients_;
  ratelimit::TokenBucketLimiter merchants_;
  metrics::Counter& client_refusals_;
  metrics::Counter& merchant_refusals_;
};

// Applies the per-client limit in front of `inner` (typically the router), except to the
// paths in `exempt` (a trailing slash ignored): probes such as /healthz and /metrics, which a
// load balancer or Prometheus polls from one address, must not be refused as a flood.
// Thread-safe; does not own `limits` or `inner`.
class ClientRateLimitedHandler final : public http::Handler {
 public:
  ClientRateLimitedHandler(RateLimits& limits, http::Handler& inner,
                           std::vector<std::string> exempt = {})
      : limits_(limits), inner_(inner), exempt_(std::move(exempt)) {}
  void Handle(http::Request request, http::Respond respond) override;

 private:
  bool IsExempt(std::string_view path) const;

  RateLimits& limits_;
  http::Handler& inner_;
  const std::vector<std::string> exempt_;
};

}  // namespace restock::api
