// In-memory webhook repositories for FakeDatabase (fake_database.h): endpoints, the outbox
// and the attempt log, with the semantics store/webhook_repos.h promises. The repos do not
// lock: they only ever work on FakeDatabase's per-transaction copy of the state, made and
// published under FakeDatabase's mutex (read concurrently through FakeDatabase::Snapshot()).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/webhook_repos.h"

namespace restock::testing {

struct FakeWebhookState {
  std::map<std::int64_t, model::WebhookEndpoint> endpoints;  // by id
  struct Row {
    model::WebhookDelivery delivery;
    std::string lease_token;
  };
  std::map<std::int64_t, Row> outbox;                       // by id
  std::map<std::int64_t, model::DeliveryAttempt> attempts;  // by id
  // The dispatcher's per-endpoint state (claims, turns, backoff), by endpoint id.
  struct Claimable {
    std::string token;
    UnixMicros claimed_until = 0;
    UnixMicros last_claimed = 0;
    int failures = 0;
    UnixMicros backoff_until = 0;
  };
  std::map<std::int64_t, Claimable> claimable;
  std::int64_t next_id = 1;
  std::map<model::MerchantId, std::int64_t> sequences;  // the last taken, by merchant
};

// Erases up to `limit` entries of `map` whose value matches; returns how many.
template <typename Map, typename Pred>
std::size_t EraseSome(Map& map, std::size_t limit, Pred pred) {
  std::size_t n = 0;
  for (auto it = map.begin(); it != map.end() && n < limit;) {
    if (pred(it->second)) {
      it = map.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

class FakeWebhookEndpointRepo final : public store::WebhookEndpointRepo {
 public:
  explicit FakeWebhookEndpointRepo(FakeWebhookState& state) : s_(state) {}
  Result<std::int64_t> Create(const model::WebhookEndpoint& e) override {
    model::WebhookEndpoint stored = e;
    stored.id = s_.next_id++;
    s_.endpoints[stored.id] = stored;
    return stored.id;
  }
  Result<std::optional<model::WebhookEndpoint>> Find(model::MerchantId m,
                                                     std::int64_t id) override {
    auto it = s_.endpoints.find(id);
    if (it == s_.endpoints.end() || it->second.merchant_id != m) {
      return std::optional<model::WebhookEndpoint>();
    }
    return std::optional<model::WebhookEndpoint>(it->second);
  }
  Result<std::vector<model::WebhookEndpoint>> ListForMerchant(model::MerchantId m) override {
    std::vector<model::WebhookEndpoint> out;
    for (const auto& [id, e] : s_.endpoints) {
      if (e.merchant_id == m) out.push_back(e);
    }
    return out;
  }
  Status Update(const model::WebhookEndpoint& e) override {
    auto it = s_.endpoints.find(e.id);
    if (it == s_.endpoints.end() || it->second.merchant_id != e.merchant_id) {
      return NotFoundError("no such webhook endpoint");
    }
    UnixMicros created = it->second.created;
    it->second = e;
    it->second.created = created;
    return Status::Ok();
  }
  Status Delete(model::MerchantId m, std::int64_t id) override {
    auto it = s_.endpoints.find(id);
    if (it == s_.endpoints.end() || it->second.merchant_id != m) {
      return NotFoundError("no such webhook endpoint");
    }
    s_.endpoints.erase(it);
    s_.claimable.erase(id);
    return Status::Ok();
  }

 private:
  FakeWebhookState& s_;
};

class FakeWebhookOutboxRepo final : public store::WebhookOutboxRepo {
 public:
  explicit FakeWebhookOutboxRepo(FakeWebhookState& state) : s_(state) {}
  Status Enqueue(std::span<const model::WebhookDelivery> deliveries) override {
    for (const auto& d : deliveries) {
      model::WebhookDelivery stored = d;
      stored.id = s_.next_id++;
      s_.outbox[stored.id] = {stored, ""};
    }
    return Status::Ok();
  }
  Result<std::int64_t> ReserveSequences(model::MerchantId merchant, std::int64_t count) override {
    std::int64_t& last = s_.sequences[merchant];
    last += count;
    return last - count + 1;
  }
  Result<std::optional<store::EndpointClaim>> Claim(UnixMicros now, std::string_view token,
                                                    UnixMicros lease_until,
                                                    std::size_t limit) override {
    auto due = [&](const FakeWebhookState::Row& row, std::int64_t endpoint) {
      return row.delivery.endpoint_id == endpoint &&
             row.delivery.status == model::DeliveryStatus::kPending &&
             row.delivery.next_attempt_at <= now;
    };
    std::optional<std::int64_t> pick;
    for (const auto& [id, e] : s_.endpoints) {
      const FakeWebhookState::Claimable& c = s_.claimable[id];
      if (!e.enabled || c.claimed_until > now || c.backoff_until > now) continue;
      if (std::none_of(s_.outbox.begin(), s_.outbox.end(),
                       [&](const auto& kv) { return due(kv.second, id); })) {
        continue;
      }
      if (!pick || c.last_claimed < s_.claimable[*pick].last_claimed) pick = id;
    }
    if (!pick) return std::optional<store::EndpointClaim>();
    FakeWebhookState::Claimable& c = s_.claimable[*pick];
    c.token = std::string(token);
    c.claimed_until = lease_until;
    c.last_claimed = now;
    store::EndpointClaim claim;
    claim.endpoint_id = *pick;
    claim.merchant_id = s_.endpoints[*pick].merchant_id;
    claim.failures = c.failures;
    std::vector<FakeWebhookState::Row*> rows;
    for (auto& [id, row] : s_.outbox) {
      if (due(row, *pick)) rows.push_back(&row);
    }
    std::stable_sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
      return a->delivery.next_attempt_at < b->delivery.next_attempt_at;
    });
    if (rows.size() > limit) rows.resize(limit);
    for (auto* row : rows) {
      ++row->delivery.attempts;
      row->delivery.next_attempt_at = lease_until;
      row->lease_token = std::string(token);
      claim.deliveries.push_back(row->delivery);
    }
    return std::optional<store::EndpointClaim>(std::move(claim));
  }
  Result<bool> Release(std::int64_t id, std::string_view token,
                       UnixMicros next_attempt_at) override {
    auto it = s_.outbox.find(id);
    if (it == s_.outbox.end() || it->second.lease_token.empty() ||
        it->second.lease_token != token) {
      return false;
    }
    it->second.lease_token.clear();
    --it->second.delivery.attempts;
    it->second.delivery.next_attempt_at = next_attempt_at;
    return true;
  }
  Status EndClaim(model::MerchantId merchant, std::int64_t endpoint_id, std::string_view token,
                  int failures, UnixMicros backoff_until) override {
    auto e = s_.endpoints.find(endpoint_id);
    FakeWebhookState::Claimable& c = s_.claimable[endpoint_id];
    if (e == s_.endpoints.end() || e->second.merchant_id != merchant || c.token != token) {
      return Status::Ok();
    }
    c.token.clear();
    c.claimed_until = 0;
    c.failures = failures;
    c.backoff_until = backoff_until;
    return Status::Ok();
  }
  Result<bool> Complete(std::int64_t id, std::string_view token, model::DeliveryStatus status,
                        UnixMicros next_attempt_at, UnixMicros now) override {
    auto it = s_.outbox.find(id);
    if (it == s_.outbox.end() || it->second.lease_token.empty() ||
        it->second.lease_token != token) {
      return false;
    }
    it->second.lease_token.clear();
    it->second.delivery.status = status;
    it->second.delivery.next_attempt_at = next_attempt_at;
    if (status != model::DeliveryStatus::kPending) it->second.delivery.completed = now;
    return true;
  }
  Result<std::optional<model::WebhookDelivery>> Find(model::MerchantId m,
                                                     std::int64_t id) override {
    auto it = s_.outbox.find(id);
    if (it == s_.outbox.end() || it->second.delivery.merchant_id != m) {
      return std::optional<model::WebhookDelivery>();
    }
    return std::optional<model::WebhookDelivery>(it->second.delivery);
  }
  Result<std::vector<model::WebhookDelivery>> ListForEndpoint(model::MerchantId m,
                                                              std::int64_t endpoint_id,
                                                              UnixMicros since,
                                                              std::int64_t after_id,
                                                              std::size_t limit) override {
    std::vector<model::WebhookDelivery> out;
    for (const auto& [id, row] : s_.outbox) {
      const auto& d = row.delivery;
      if (out.size() >= limit) break;
      if (d.merchant_id == m && d.endpoint_id == endpoint_id && d.created >= since &&
          d.id > after_id) {
        out.push_back(d);
      }
    }
    return out;
  }
  Result<std::int64_t> CountByStatus(model::DeliveryStatus status) override {
    std::int64_t n = 0;
    for (const auto& [id, row] : s_.outbox) n += row.delivery.status == status;
    return n;
  }
  Result<std::size_t> DeleteForEndpoint(model::MerchantId m, std::int64_t endpoint_id,
                                        std::size_t limit) override {
    return EraseSome(s_.outbox, limit, [&](const FakeWebhookState::Row& r) {
      return r.delivery.merchant_id == m && r.delivery.endpoint_id == endpoint_id;
    });
  }
  Result<std::size_t> PruneCompleted(UnixMicros before, std::size_t limit) override {
    return EraseSome(s_.outbox, limit, [&](const FakeWebhookState::Row& r) {
      return r.delivery.status != model::DeliveryStatus::kPending && r.delivery.completed &&
             *r.delivery.completed < before;
    });
  }

 private:
  FakeWebhookState& s_;
};

class FakeWebhookAttemptRepo final : public store::WebhookAttemptRepo {
 public:
  explicit FakeWebhookAttemptRepo(FakeWebhookState& state) : s_(state) {}
  Result<std::int64_t> Append(const model::DeliveryAttempt& a) override {
    model::DeliveryAttempt stored = a;
    stored.id = s_.next_id++;
    s_.attempts[stored.id] = stored;
    return stored.id;
  }
  Result<std::vector<model::DeliveryAttempt>> ListForEndpoint(model::MerchantId m,
                                                              std::int64_t endpoint_id,
                                                              std::optional<std::int64_t> before_id,
                                                              std::size_t limit) override {
    std::vector<model::DeliveryAttempt> out;
    std::int64_t before = before_id.value_or(std::numeric_limits<std::int64_t>::max());
    for (auto it = s_.attempts.rbegin(); it != s_.attempts.rend() && out.size() < limit; ++it) {
      const auto& a = it->second;
      if (a.merchant_id == m && a.endpoint_id == endpoint_id && a.id < before) out.push_back(a);
    }
    return out;
  }
  Result<std::size_t> DeleteForEndpoint(model::MerchantId m, std::int64_t endpoint_id,
                                        std::size_t limit) override {
    return EraseSome(s_.attempts, limit, [&](const model::DeliveryAttempt& a) {
      return a.merchant_id == m && a.endpoint_id == endpoint_id;
    });
  }
  Result<std::size_t> PruneStarted(UnixMicros before, std::size_t limit) override {
    return EraseSome(s_.attempts, limit,
                     [&](const model::DeliveryAttempt& a) { return a.started < before; });
  }

 private:
  FakeWebhookState& s_;
};

}  // namespace restock::testing
