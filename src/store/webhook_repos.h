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
};

class WebhookOutboxRepo {
 public:
  virtual ~WebhookOutboxRepo() = default;
  // Inserts `deliveries` as given (status, attempts, next_attempt_at); ids are assigned,
  // increasing in input order.
  virtual Status Enqueue(std::span<const model::WebhookDelivery> deliveries) = 0;

  // Claims up to `limit` deliveries that are pending, due (next_attempt_at <= now) and whose
  // endpoint is enabled, oldest due first: each gets attempts + 1, lease token `token` and
  // next_attempt_at = `lease_until`, so that no one else claims it until then (a claimant
  // that dies simply lets the lease run out). Returns them as updated, by id.
  // REQUIRES: token is unique to this claim; lease_until > now.
  virtual Result<std::vector<model::WebhookDelivery>> Claim(UnixMicros now, std::string_view token,
                                                            UnixMicros lease_until,
                                                            std::size_t limit) = 0;

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
};

}  // namespace restock::store
