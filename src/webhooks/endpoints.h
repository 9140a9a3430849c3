// restock::webhooks — managing a merchant's webhook endpoints (`webhook add`;
// docs/webhooks.md): subscribe, list, rotate the secret, disable / enable, replay, and read
// the delivery log. The CLI and the HTTP handlers are thin adapters over this service; every
// rule about URLs, event types and secrets lives here.
// Thread-safety: thread-safe. Borrows the database and the clock, which must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/webhook.h"
#include "store/database.h"

namespace restock::webhooks {

inline constexpr std::size_t kMaxUrlBytes = 2048;
inline constexpr std::size_t kMinSecretBytes = 16;
inline constexpr std::size_t kMaxSecretBytes = 256;
// How long a rotated-out secret keeps signing (Ordergroove: 24 hours).
inline constexpr UnixMicros kDefaultRotationOverlap = 24LL * 3600 * 1'000'000;

// OK for an absolute http:// or https:// URL with a host, at most kMaxUrlBytes, without
// spaces or control characters; InvalidArgument saying what is wrong otherwise.
Status ValidateUrl(std::string_view url);
// Parses event type names (each one of model::AllWebhookEventTypes, duplicates dropped,
// at least one). InvalidArgument naming the first unknown one.
Result<std::vector<model::WebhookEventType>> ParseEventTypes(const std::vector<std::string>& names);
// Splits "a,b,c" (spaces around names ignored) and parses it as above.
Result<std::vector<model::WebhookEventType>> ParseEventTypeList(std::string_view list);
// OK for kMinSecretBytes..kMaxSecretBytes printable ASCII without spaces.
Status ValidateSecret(std::string_view secret);
// "whsec_" + 32 random bytes in URL-safe base64.
std::string NewSecret();
// Parses a time given by a user: "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (UTC), "YYYY-MM-DD"
// (midnight UTC) or Unix seconds. InvalidArgument otherwise.
Result<UnixMicros> ParseTimestamp(std::string_view text);

// What to replay: one delivery (sent again to its endpoint), or every event the endpoint
// was sent at or after a time.
struct ReplayRequest {
  std::optional<std::int64_t> delivery_id;
  std::optional<UnixMicros> since;
};

class EndpointService {
 public:
  EndpointService(store::Database& db, const Clock& clock,
                  UnixMicros rotation_overlap = kDefaultRotationOverlap)
      : db_(db), clock_(clock), rotation_overlap_(rotation_overlap) {}

  // Subscribes `url` to `events`, signing with `secret` (generated when absent). Returns the
  // endpoint, secret included. InvalidArgument for a bad URL, event type or secret.
  Result<model::WebhookEndpoint> Add(model::MerchantId merchant, const std::string& url,
                                     const std::vector<model::WebhookEventType>& events,
                                     const std::optional<std::string>& secret);
  // Every endpoint of the merchant, by id.
  Result<std::vector<model::WebhookEndpoint>> List(model::MerchantId merchant);
  // NotFound when the merchant has no such endpoint.
  Result<model::WebhookEndpoint> Get(model::MerchantId merchant, std::int64_t id);
  // Makes `secret` (generated when absent) the signing secret; the current one keeps
  // signing as a second sig= for the rotation overlap. A rotation during an overlap drops
  // the older secret at once. NotFound / InvalidArgument.
  Result<model::WebhookEndpoint> Rotate(model::MerchantId merchant, std::int64_t id,
                                        const std::optional<std::string>& secret);
  // Disabled endpoints get no new deliveries, and their pending ones wait until enabled.
  Result<model::WebhookEndpoint> SetEnabled(model::MerchantId merchant, std::int64_t id,
                                            bool enabled);
  // Enqueues the chosen events again (same event id and body, new deliveries due now);
  // returns how many. Events are replayed once each even if they were delivered several
  // times. InvalidArgument unless exactly one of delivery_id / since is set; NotFound for an
  // unknown endpoint or a delivery of another endpoint.
  Result<std::size_t> Replay(model::MerchantId merchant, std::int64_t endpoint_id,
                             const ReplayRequest& request);
  // The endpoint's delivery attempts with id < before_id (all when nullopt), newest first,
  // at most `limit`. NotFound for an unknown endpoint.
  Result<std::vector<model::DeliveryAttempt>> Attempts(model::MerchantId merchant,
                                                       std::int64_t endpoint_id,
                                                       std::optional<std::int64_t> before_id,
                                                       std::size_t limit);

 private:
  // Loads the endpoint inside `tx`; NotFound when missing.
  static Result<model::WebhookEndpoint> Load(store::Transaction& tx, model::MerchantId merchant,
                                             std::int64_t id);

  store::Database& db_;
  const Clock& clock_;
  const UnixMicros rotation_overlap_;
};

}  // namespace restock::webhooks
