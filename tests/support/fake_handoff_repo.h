// In-memory hand-off repository for FakeDatabase (fake_database.h), with the semantics
// store/handoff_repos.h promises. A customer exists once one of its subscriptions does (as
// in the real stores, where creating a subscription creates its customer row).
#pragma once

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <span>
#include <utility>
#include <vector>

#include "model/order.h"
#include "model/subscription.h"
#include "store/handoff_repos.h"

namespace restock::testing {

struct FakeHandoffState {
  std::map<model::MerchantId, model::PlacementTarget> targets;
  std::map<std::pair<model::MerchantId, std::string>, model::CustomerContact> contacts;
  struct Row {
    model::HandoffRequest request;
    bool done = false;
    UnixMicros next_attempt_at = 0;
    std::string token = {};
  };
  std::map<std::int64_t, Row> outbox;  // by id
  std::int64_t next_id = 1;
};

inline constexpr UnixMicros kFakeWaitsForRun = std::numeric_limits<UnixMicros>::max();

class FakeHandoffRepo final : public store::HandoffRepo {
 public:
  FakeHandoffRepo(FakeHandoffState& state,
                  const std::map<std::int64_t, model::Subscription>& subscriptions,
                  std::map<std::int64_t, model::Order>& orders,
                  std::function<bool(model::MerchantId)> merchant_exists)
      : s_(state),
        subscriptions_(subscriptions),
        orders_(orders),
        merchant_exists_(std::move(merchant_exists)) {}

  Result<std::optional<model::PlacementTarget>> FindTarget(model::MerchantId m) override {
    auto it = s_.targets.find(m);
    if (it == s_.targets.end()) return std::optional<model::PlacementTarget>();
    return std::optional<model::PlacementTarget>(it->second);
  }
  Status SetTarget(model::MerchantId m,
                   const std::optional<model::PlacementTarget>& target) override {
    if (!merchant_exists_(m)) return NotFoundError("no such merchant");
    if (target) {
      s_.targets[m] = *target;
    } else {
      s_.targets.erase(m);
    }
    return Status::Ok();
  }
  Result<std::optional<model::CustomerContact>> FindContact(model::MerchantId m,
                                                            std::string_view customer) override {
    auto it = s_.contacts.find({m, std::string(customer)});
    if (it != s_.contacts.end()) return std::optional<model::CustomerContact>(it->second);
    if (!CustomerExists(m, customer)) return std::optional<model::CustomerContact>();
    model::CustomerContact empty;
    empty.merchant_id = m;
    empty.customer_id = std::string(customer);
    return std::optional<model::CustomerContact>(std::move(empty));
  }
  Status SaveContact(const model::CustomerContact& c) override {
    if (!CustomerExists(c.merchant_id, c.customer_id)) return NotFoundError("no such customer");
    s_.contacts[{c.merchant_id, c.customer_id}] = c;
    return Status::Ok();
  }

  Result<std::vector<std::pair<model::MerchantId, model::PlacementTarget>>> ListTargets()
      override {
    return std::vector<std::pair<model::MerchantId, model::PlacementTarget>>(s_.targets.begin(),
                                                                              s_.targets.end());
  }
  Status Enqueue(std::span<const model::HandoffRequest> requests) override {
    for (const auto& r : requests) {
      for (const auto& [id, row] : s_.outbox) {
        if (row.request.merchant_id == r.merchant_id && row.request.order_id == r.order_id &&
            row.request.sequence == r.sequence) {
          return AlreadyExistsError("hand-off request already queued");
        }
      }
      FakeHandoffState::Row row{r};
      row.request.id = s_.next_id++;
      s_.outbox[row.request.id] = row;
    }
    return Status::Ok();
  }
  Result<std::vector<model::HandoffRequest>> Claim(model::MerchantId m, UnixMicros now,
                                                   std::string_view token, UnixMicros lease_until,
                                                   std::size_t limit) override {
    std::vector<model::HandoffRequest> out;
    for (auto& [id, row] : s_.outbox) {
      if (out.size() >= limit) break;
      if (row.request.merchant_id != m || row.done || row.next_attempt_at > now) continue;
      row.token = std::string(token);
      row.next_attempt_at = lease_until;
      out.push_back(row.request);
    }
    return out;
  }
  Result<bool> Complete(std::int64_t id, std::string_view token, UnixMicros) override {
    FakeHandoffState::Row* row = Held(id, token);
    if (row == nullptr) return false;
    row->done = true;
    row->token.clear();
    return true;
  }
  Result<bool> Defer(std::int64_t id, std::string_view token, int retries) override {
    FakeHandoffState::Row* row = Held(id, token);
    if (row == nullptr) return false;
    row->request.retries = retries;
    row->next_attempt_at = kFakeWaitsForRun;
    row->token.clear();
    return true;
  }
  Result<bool> Release(std::int64_t id, std::string_view token) override {
    FakeHandoffState::Row* row = Held(id, token);
    if (row == nullptr) return false;
    row->next_attempt_at = 0;
    row->token.clear();
    return true;
  }
  Result<std::size_t> MakeDue(model::MerchantId m, UnixMicros now) override {
    std::size_t n = 0;
    for (auto& [id, row] : s_.outbox) {
      if (row.request.merchant_id == m && !row.done && row.next_attempt_at == kFakeWaitsForRun) {
        row.next_attempt_at = now;
        ++n;
      }
    }
    return n;
  }
  Result<std::int64_t> CountPending() override {
    std::int64_t n = 0;
    for (const auto& [id, row] : s_.outbox) n += row.done ? 0 : 1;
    return n;
  }
  Result<std::int64_t> CountDue(model::MerchantId m, UnixMicros now) override {
    std::int64_t n = 0;
    for (const auto& [id, row] : s_.outbox) {
      n += (row.request.merchant_id == m && !row.done && row.next_attempt_at <= now) ? 1 : 0;
    }
    return n;
  }
  Result<int> LastSequence(model::MerchantId m, std::int64_t order_id) override {
    int last = 0;
    for (const auto& [id, row] : s_.outbox) {
      if (row.request.merchant_id == m && row.request.order_id == order_id) {
        last = std::max(last, row.request.sequence);
      }
    }
    return last;
  }
  Status SaveOutcome(const model::Order& order) override {
    auto it = orders_.find(order.id);
    if (it == orders_.end() || it->second.merchant_id != order.merchant_id) {
      return NotFoundError("no such order");
    }
    it->second.error_code = order.error_code;
    it->second.error_message = order.error_message;
    it->second.merchant_order_id = order.merchant_order_id;
    it->second.placement_attempts = order.placement_attempts;
    return Status::Ok();
  }

 private:
  FakeHandoffState::Row* Held(std::int64_t id, std::string_view token) {
    auto it = s_.outbox.find(id);
    if (it == s_.outbox.end() || it->second.done || it->second.token != token) return nullptr;
    return &it->second;
  }

  bool CustomerExists(model::MerchantId m, std::string_view customer) const {
    for (const auto& [id, sub] : subscriptions_) {
      if (sub.merchant_id == m && sub.customer_id == customer) return true;
    }
    return false;
  }

  FakeHandoffState& s_;
  const std::map<std::int64_t, model::Subscription>& subscriptions_;
  std::map<std::int64_t, model::Order>& orders_;
  std::function<bool(model::MerchantId)> merchant_exists_;
};

}  // namespace restock::testing
