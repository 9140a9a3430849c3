// restock::store — storage for handing placed orders to merchants' platforms
// (docs/handoff.md): each merchant's placement target and the customers' contact details
// the order document carries. Same rules as database.h: domain words, no SQL; reachable
// only through a Transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/handoff.h"
#include "model/order.h"

namespace restock::store {

class HandoffRepo {
 public:
  virtual ~HandoffRepo() = default;

  // The merchant's placement target; nullopt when it has none.
  virtual Result<std::optional<model::PlacementTarget>> FindTarget(model::MerchantId merchant) = 0;
  // Makes `target` the merchant's placement target (nullopt removes it). NotFound when no
  // merchant has that id.
  virtual Status SetTarget(model::MerchantId merchant,
                           const std::optional<model::PlacementTarget>& target) = 0;

  // The customer's contact details (every field empty when none were set); nullopt when the
  // merchant has no such customer.
  virtual Result<std::optional<model::CustomerContact>> FindContact(
      model::MerchantId merchant, std::string_view customer_id) = 0;
  // Overwrites the contact details of contact.customer_id. NotFound when the merchant has no
  // such customer. REQUIRES: no field holds a control character (store/columns.h encodes
  // addresses with one).
  virtual Status SaveContact(const model::CustomerContact& contact) = 0;

  // Every merchant's placement target, by merchant id.
  virtual Result<std::vector<std::pair<model::MerchantId, model::PlacementTarget>>>
  ListTargets() = 0;

  // ---- the outbox (docs/handoff.md, "Delivery"). A request is pending until Complete; it
  // is due when its next attempt time has come, and it waits for the next placement run
  // after Defer (MakeDue ends the wait).

  // Inserts `requests` (ids ignored), due at once. AlreadyExists when one with the same
  // (merchant, order, sequence) exists.
  virtual Status Enqueue(std::span<const model::HandoffRequest> requests) = 0;
  // Claims up to `limit` of the merchant's due requests, those due longest first (by next
  // attempt time, then id; returned by id): each is leased to
  // `token` until `lease_until` (not claimed again before then, so a claimant that dies lets
  // it come back by itself). REQUIRES: token unique to this claim; lease_until > now.
  virtual Result<std::vector<model::HandoffRequest>> Claim(model::MerchantId merchant,
                                                           UnixMicros now,
                                                           std::string_view token,
                                                           UnixMicros lease_until,
                                                           std::size_t limit) = 0;
  // Ends claim `token` of request `id`: done for good. False, changing nothing, when the
  // request no longer holds the token (its lease ran out and it was claimed again).
  virtual Result<bool> Complete(std::int64_t id, std::string_view token, UnixMicros now) = 0;
  // Ends claim `token` of request `id`: it waits for the next run, with `retries`. False as
  // for Complete.
  virtual Result<bool> Defer(std::int64_t id, std::string_view token, int retries) = 0;
  // Ends claim `token` of request `id` unattempted: due again at once. False as for Complete.
  virtual Result<bool> Release(std::int64_t id, std::string_view token) = 0;
  // Makes the merchant's requests waiting for a run due at `now`; returns how many.
  virtual Result<std::size_t> MakeDue(model::MerchantId merchant, UnixMicros now) = 0;
  // Pending requests (due, claimed or waiting), of every merchant.
  virtual Result<std::int64_t> CountPending() = 0;
  // Pending requests of the merchant that are due at `now` (claimed ones are not).
  virtual Result<std::int64_t> CountDue(model::MerchantId merchant, UnixMicros now) = 0;
  // The highest sequence of the order's requests; 0 when it has none.
  virtual Result<int> LastSequence(model::MerchantId merchant, std::int64_t order_id) = 0;

  // Writes the hand-off's fields of the order (model::Order's error_code, error_message,
  // merchant_order_id, placement_attempts). NotFound when the merchant has no such order.
  virtual Status SaveOutcome(const model::Order& order) = 0;
};

}  // namespace restock::store
