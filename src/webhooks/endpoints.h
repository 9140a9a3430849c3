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
#include "core/target_policy.h"
#include "model/webhook.h"
#include "store/database.h"

namespace restock::webhooks {

inline constexpr std::size_t kMaxUrlBytes = 2048;
// Deliveries a replay by time reads and enqueues per transaction.
inline constexpr std::size_t kReplayChunk = 500;
// Rows deleted per transaction when an endpoint is removed or history is pruned.
inline constexpr std::size_t kRemoveChunk = 2000;

// Deletes delivered and failed deliveries completed before `before`, and delivery attempts
// started before it, over every merchant, kRemoveChunk rows per transaction through the
// writer. Returns how many rows were deleted. Pending deliveries are never deleted.
Result<std::size_t> PruneDeliveryHistory(store::Database& db, UnixMicros before);
inline constexpr std::size_t kMinSecretBytes = 16;
inline constexpr std::size_t kMaxSecretBytes = 256;
// How long a rotated-out secret keeps signing (Ordergroove: 24 hours).
inline constexpr UnixMicros kDefaultRotationOverlap = 24LL * 3600 * 1'000'000;

// OK for an absolute http:// or https:// URL with a host (a DNS name, an IPv4 address or a
// bracketed IPv6 address) and an optional port 1-65535, at most kMaxUrlBytes, without spaces
// or control characters; InvalidArgument saying what is wrong otherwise.
Status ValidateUrl(std::string_view url);
// The host of a URL that passed ValidateUrl (brackets kept for IPv6).
std::string_view UrlHost(std::string_view url);
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
  // `targets` decides which address literals a URL may name (by default: public ones only).
  EndpointService(store::Database& db, const Clock& clock, core::TargetPolicy targets = {},
                  UnixMicros rotation_overlap = kDefaultRotationOverlap)
      : db_(db), clock_(clock), targets_(std::move(targets)), rotation_overlap_(rotation_overlap) {}

  // Subscribes `url` to `events`, signing with `secret` (generated when absent). Returns the
  // endpoint, secret included. InvalidArgument for a bad URL (also one whose host is an
  // address `targets` refuses), event type or secret.
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
  // Deletes the endpoint with its deliveries and its delivery log: disables it first (no new
  // deliveries, none claimed), deletes the rows kRemoveChunk at a time through the writer,
  // then the endpoint. Interrupted, it leaves a disabled endpoint to remove again. NotFound.
  Status Remove(model::MerchantId merchant, std::int64_t id);
  // Disabled endpoints get no new deliveries, and their pending ones wait until enabled.
  Result<model::WebhookEndpoint> SetEnabled(model::MerchantId merchant, std::int64_t id,
                                            bool enabled);
  // Enqueues the chosen events again (same event id and body, new deliveries due now);
  // returns how many. Events are replayed once each even if they were delivered several
  // times. A replay by time commits kReplayChunk deliveries at a time through the writer
  // (Database::Submit), so it never holds the write lock for long and keeps one chunk of
  // bodies in memory (plus the event ids seen); if it fails part-way, the chunks already
  // committed stay. InvalidArgument unless exactly one of delivery_id / since is set;
  // NotFound for an unknown endpoint or a delivery of another endpoint.
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
  const core::TargetPolicy targets_;
  const UnixMicros rotation_overlap_;
};

}  // namespace restock::webhooks
