// An in-memory store::Database for unit tests. Transactions work on a copy of the state and
// publish it on success, so a failing work leaves nothing behind. Submit runs the work at
// once on the calling thread. Thread-safe (one mutex around everything).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "store/database.h"

namespace restock::testing {

struct FakeState {
  std::map<std::string, model::Merchant> merchants;  // by public id
  std::map<std::pair<model::MerchantId, std::string>, model::ApiUser> api_users;
  std::map<std::string, model::ApiKey> api_keys;  // by sha256 hex
  std::map<std::pair<model::MerchantId, std::string>, model::Product> products;
  std::vector<model::StockEvent> stock_events;
  model::MerchantId next_merchant_id = 1;
};

class FakeTransaction final : public store::Transaction, store::MerchantRepo, store::ProductRepo,
                              store::StockEventRepo {
 public:
  explicit FakeTransaction(FakeState& state) : s_(state) {}
  store::MerchantRepo& merchants() override { return *this; }
  store::ProductRepo& products() override { return *this; }
  store::StockEventRepo& stock_events() override { return *this; }

  Result<model::Merchant> Create(const model::Merchant& m) override {
    if (s_.merchants.count(m.public_id)) return AlreadyExistsError("merchant exists");
    model::Merchant stored = m;
    stored.id = s_.next_merchant_id++;
    s_.merchants[m.public_id] = stored;
    return stored;
  }
  Result<std::optional<model::Merchant>> FindByPublicId(std::string_view id) override {
    auto it = s_.merchants.find(std::string(id));
    if (it == s_.merchants.end()) return std::optional<model::Merchant>();
    return std::optional<model::Merchant>(it->second);
  }
  Status AddApiUser(const model::ApiUser& u) override {
    auto key = std::pair{u.merchant_id, u.username};
    if (s_.api_users.count(key)) return AlreadyExistsError("user exists");
    s_.api_users[key] = u;
    return Status::Ok();
  }
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId m,
                                                    std::string_view name) override {
    auto it = s_.api_users.find({m, std::string(name)});
    if (it == s_.api_users.end()) return std::optional<model::ApiUser>();
    return std::optional<model::ApiUser>(it->second);
  }
  Status AddApiKey(const model::ApiKey& k) override {
    if (s_.api_keys.count(k.key_sha256_hex)) return AlreadyExistsError("key exists");
    s_.api_keys[k.key_sha256_hex] = k;
    return Status::Ok();
  }
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view hex) override {
    auto it = s_.api_keys.find(std::string(hex));
    if (it == s_.api_keys.end()) return std::optional<model::ApiKey>();
    return std::optional<model::ApiKey>(it->second);
  }

  Result<std::optional<model::Product>> Find(model::MerchantId m, std::string_view id) override {
    auto it = s_.products.find({m, std::string(id)});
    if (it == s_.products.end()) return std::optional<model::Product>();
    return std::optional<model::Product>(it->second);
  }
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId m, std::span<const std::string_view> ids) override {
    ++find_many_calls;
    std::vector<std::optional<model::Product>> out;
    for (auto id : ids) out.push_back(*Find(m, id));
    return out;
  }
  Status Insert(model::MerchantId m, std::span<const model::Product> products) override {
    for (const auto& p : products) {
      if (s_.products.count({m, p.product_id})) return AlreadyExistsError("product exists");
      s_.products[{m, p.product_id}] = p;
    }
    return Status::Ok();
  }
  Status Update(model::MerchantId m, std::span<const model::Product> products) override {
    for (const auto& p : products) {
      auto it = s_.products.find({m, p.product_id});
      if (it == s_.products.end()) return InternalError("update of a missing product");
      it->second = p;
    }
    return Status::Ok();
  }

  Status Append(std::span<const model::StockEvent> events) override {
    for (auto e : events) {
      e.id = static_cast<std::int64_t>(s_.stock_events.size()) + 1;
      s_.stock_events.push_back(e);
    }
    return Status::Ok();
  }
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId m, std::string_view id,
                                                        std::size_t limit) override {
    std::vector<model::StockEvent> out;
    for (auto it = s_.stock_events.rbegin(); it != s_.stock_events.rend() && out.size() < limit;
         ++it) {
      if (it->merchant_id == m && it->product_id == id) out.push_back(*it);
    }
    return out;
  }

  int find_many_calls = 0;

 private:
  FakeState& s_;
};

class FakeDatabase final : public store::Database {
 public:
  Status Migrate() override { return Status::Ok(); }
  Status RunInTransaction(const store::Work& work) override {
    std::lock_guard lock(mu_);
    FakeState copy = state_;
    FakeTransaction tx(copy);
    Status s = work(tx);
    if (s.ok()) state_ = std::move(copy);
    ++transactions;
    return s;
  }
  Status RunReadOnly(const store::Work& work) override {
    std::lock_guard lock(mu_);
    FakeState copy = state_;
    FakeTransaction tx(copy);
    return work(tx);
  }
  void Submit(store::Work work, store::WorkDone done) override {
    if (shut_down_) return done(UnavailableError("shut down"));
    done(RunInTransaction(work));
  }
  void SetGroupObserver(std::function<void(std::size_t)>) override {}
  void Shutdown() override { shut_down_ = true; }

  // Direct access for assertions. REQUIRES: no concurrent transaction.
  FakeState& state() { return state_; }
  int transactions = 0;

 private:
  std::mutex mu_;
  FakeState state_;
  bool shut_down_ = false;
};

}  // namespace restock::testing
