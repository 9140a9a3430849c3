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
  std::int64_t next_id = 1;
};

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
  Result<std::vector<model::WebhookDelivery>> Claim(UnixMicros now, std::string_view token,
                                                    UnixMicros lease_until,
                                                    std::size_t limit) override {
    std::vector<FakeWebhookState::Row*> due;
    for (auto& [id, row] : s_.outbox) {
      const model::WebhookDelivery& d = row.delivery;
      auto e = s_.endpoints.find(d.endpoint_id);
      if (d.status != model::DeliveryStatus::kPending || d.next_attempt_at > now ||
          e == s_.endpoints.end() || !e->second.enabled) {
        continue;
      }
      due.push_back(&row);
    }
    std::stable_sort(due.begin(), due.end(), [](auto* a, auto* b) {
      return a->delivery.next_attempt_at < b->delivery.next_attempt_at;
    });
    if (due.size() > limit) due.resize(limit);
    std::sort(due.begin(), due.end(),
              [](auto* a, auto* b) { return a->delivery.id < b->delivery.id; });
    std::vector<model::WebhookDelivery> out;
    for (auto* row : due) {
      ++row->delivery.attempts;
      row->delivery.next_attempt_at = lease_until;
      row->lease_token = std::string(token);
      out.push_back(row->delivery);
    }
    return out;
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

 private:
  FakeWebhookState& s_;
};

}  // namespace restock::testing
