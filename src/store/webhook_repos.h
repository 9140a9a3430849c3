// restock::store — storage interfaces for webhooks: endpoints, the transactional outbox of
// deliveries and the log of delivery attempts (docs/webhooks.md). Same rules as
// database.h: domain words, no SQL; reachable only through a Transaction, so outbox rows
// are written in the transaction of the change that causes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/webhook.h"

namespace restock::store {

class WebhookEndpointRepo {
 public:
  virtual ~WebhookEndpointRepo() = default;
  // Inserts `endpoint` (its id is ignored); returns the id. Ids increase.
  virtual Result<std::int64_t> Create(const model::WebhookEndpoint& endpoint) = 0;
  // nullopt when the merchant has no such endpoint.
  virtual Result<std::optional<model::WebhookEndpoint>> Find(model::MerchantId merchant,
                                                             std::int64_t id) = 0;
  // Every endpoint of the merchant, enabled or not, by id.
  virtual Result<std::vector<model::WebhookEndpoint>> ListForMerchant(
      model::MerchantId merchant) = 0;
  // Overwrites url, events, secret, previous_secret(_expires), enabled and updated.
  // NotFound when the merchant has no such endpoint.
  virtual Status Update(const model::WebhookEndpoint& endpoint) = 0;
  // Deletes the endpoint row (its deliveries and attempts are deleted separately, in
  // chunks). NotFound when the merchant has no such endpoint.
  virtual Status Delete(model::MerchantId merchant, std::int64_t id) = 0;
};

// One endpoint's due deliveries, claimed together (WebhookOutboxRepo::Claim).
struct EndpointClaim {
  std::int64_t endpoint_id = 0;
  model::MerchantId merchant_id = 0;
  int failures = 0;  // the endpoint's consecutive failed attempts before this claim
  std::vector<model::WebhookDelivery> deliveries;  // oldest due first
};

class WebhookOutboxRepo {
 public:
  virtual ~WebhookOutboxRepo() = default;
  // Inserts `deliveries` as given (status, attempts, next_attempt_at); ids are assigned,
  // increasing in input order.
  virtual Status Enqueue(std::span<const model::WebhookDelivery> deliveries) = 0;
  // Takes the merchant's next `count` webhook event sequence numbers and returns the first
  // (the others follow it). Numbers increase per merchant in commit order: the counter's
  // row stays locked until the unit of work ends. REQUIRES: count > 0.
  virtual Result<std::int64_t> ReserveSequences(model::MerchantId merchant, std::int64_t count) = 0;

  // Claims the due deliveries of one endpoint, so that one endpoint never has two claims at
  // once and endpoints take turns. The endpoint is the enabled one with pending deliveries
  // due (next_attempt_at <= now), no live claim (its last one ended, or its lease ran out)
  // and no backoff in force (backoff_until <= now), that was claimed longest ago. It is
  // leased to `token` until `lease_until`; up to `limit` of its due deliveries, oldest due
  // first, each get attempts + 1, lease token `token` and next_attempt_at = `lease_until`,
  // so no one else claims them until then (a claimant that dies lets the lease run out).
  // Reads only that endpoint's due rows: never the rows of disabled endpoints, of endpoints
  // backing off, or rows waiting for a retry. nullopt when no endpoint qualifies.
  // REQUIRES: token is unique to this claim; lease_until > now.
  virtual Result<std::optional<EndpointClaim>> Claim(UnixMicros now, std::string_view token,
                                                     UnixMicros lease_until,
                                                     std::size_t limit) = 0;

  // Gives back a claimed delivery that was not attempted: attempts - 1, due at
  // `next_attempt_at`, token dropped. False, changing nothing, when it no longer holds
  // `token`.
  virtual Result<bool> Release(std::int64_t id, std::string_view token,
                               UnixMicros next_attempt_at) = 0;

  // Ends the endpoint's claim `token`, recording its consecutive failures and the time
  // before which it is not claimed again (0: none). Nothing when the claim is no longer
  // held (its lease ran out and someone else claimed the endpoint).
  virtual Status EndClaim(model::MerchantId merchant, std::int64_t endpoint_id, std::string_view token, int failures,
                          UnixMicros backoff_until) = 0;

  // Ends the claim `token` of delivery `id`: sets status, next_attempt_at and (for delivered
  // or failed) completed = now, and drops the token. Returns false, changing nothing, when
  // the delivery no longer holds that token (its lease ran out and it was claimed again, or
  // it was completed).
  virtual Result<bool> Complete(std::int64_t id, std::string_view token,
                                model::DeliveryStatus status, UnixMicros next_attempt_at,
                                UnixMicros now) = 0;

  // nullopt when the merchant has no such delivery.
  virtual Result<std::optional<model::WebhookDelivery>> Find(model::MerchantId merchant,
                                                             std::int64_t id) = 0;
  // The endpoint's deliveries created at or after `since` with id > after_id, by id, at most
  // `limit`.
  virtual Result<std::vector<model::WebhookDelivery>> ListForEndpoint(model::MerchantId merchant,
                                                                      std::int64_t endpoint_id,
                                                                      UnixMicros since,
                                                                      std::int64_t after_id,
                                                                      std::size_t limit) = 0;
  // Deliveries by status over every merchant (for metrics and operations).
  virtual Result<std::int64_t> CountByStatus(model::DeliveryStatus status) = 0;
  // Deletes up to `limit` of the endpoint's deliveries, whatever their status; returns how
  // many (fewer than `limit`: none are left).
  virtual Result<std::size_t> DeleteForEndpoint(model::MerchantId merchant,
                                                std::int64_t endpoint_id, std::size_t limit) = 0;
  // Deletes up to `limit` delivered or failed deliveries completed before `before`, over
  // every merchant; returns how many.
  virtual Result<std::size_t> PruneCompleted(UnixMicros before, std::size_t limit) = 0;
};

class WebhookAttemptRepo {
 public:
  virtual ~WebhookAttemptRepo() = default;
  // Appends one attempt; returns its id. Ids increase in append order.
  virtual Result<std::int64_t> Append(const model::DeliveryAttempt& attempt) = 0;
  // The endpoint's attempts with id < before_id (all when nullopt), newest first, at most
  // `limit`.
  virtual Result<std::vector<model::DeliveryAttempt>> ListForEndpoint(
      model::MerchantId merchant, std::int64_t endpoint_id, std::optional<std::int64_t> before_id,
      std::size_t limit) = 0;
  // Deletes up to `limit` of the endpoint's attempts; returns how many.
  virtual Result<std::size_t> DeleteForEndpoint(model::MerchantId merchant,
                                                std::int64_t endpoint_id, std::size_t limit) = 0;
  // Deletes up to `limit` attempts started before `before`, over every merchant.
  virtual Result<std::size_t> PruneStarted(UnixMicros before, std::size_t limit) = 0;
};

}  // namespace restock::store
