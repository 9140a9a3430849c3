// A store::Database whose only real repository is an in-memory MerchantRepo, enough to test
// readers of credentials. Counts read-only units of work and can be told to fail them.
// Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"

namespace restock::auth {

class FakeMerchantRepo final : public store::MerchantRepo {
 public:
  Result<model::Merchant> Create(const model::Merchant& merchant) override {
    if (merchants_.contains(merchant.public_id)) return AlreadyExistsError("exists");
    model::Merchant m = merchant;
    m.id = static_cast<model::MerchantId>(merchants_.size()) + 1;
    merchants_[m.public_id] = m;
    return m;
  }
  Result<std::optional<model::Merchant>> FindByPublicId(std::string_view public_id) override {
    return Find(merchants_, std::string(public_id));
  }
  Status AddApiUser(const model::ApiUser& user) override {
    users_[{user.merchant_id, user.username}] = user;
    return Status::Ok();
  }
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                    std::string_view username) override {
    return Find(users_, std::pair{merchant, std::string(username)});
  }
  Status AddApiKey(const model::ApiKey& key) override {
    keys_[key.key_sha256_hex] = key;
    return Status::Ok();
  }
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) override {
    return Find(keys_, std::string(key_sha256_hex));
  }

  std::map<std::string, model::Merchant> merchants_;
  std::map<std::pair<model::MerchantId, std::string>, model::ApiUser> users_;
  std::map<std::string, model::ApiKey> keys_;

 private:
  template <typename Map, typename Key>
  static Result<std::optional<typename Map::mapped_type>> Find(const Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }
};

class UnusedProductRepo final : public store::ProductRepo {
 public:
  Result<std::optional<model::Product>> Find(model::MerchantId, std::string_view) override {
    return InternalError("unused");
  }
  Result<std::vector<std::optional<model::Product>>> FindMany(
      model::MerchantId, std::span<const std::string_view>) override {
    return InternalError("unused");
  }
  Status Insert(model::MerchantId, std::span<const model::Product>) override {
    return InternalError("unused");
  }
  Status Update(model::MerchantId, std::span<const model::Product>) override {
    return InternalError("unused");
  }
};

class UnusedStockEventRepo final : public store::StockEventRepo {
 public:
  Status Append(std::span<const model::StockEvent>) override { return InternalError("unused"); }
  Result<std::vector<model::StockEvent>> ListForProduct(model::MerchantId, std::string_view,
                                                        std::size_t) override {
    return InternalError("unused");
  }
};

class FakeDatabase final : public store::Database {
 public:
  FakeMerchantRepo& merchant_repo() { return tx_.merchants_; }
  int reads() const { return reads_; }
  // While set, RunReadOnly returns `status` without running the work.
  void FailWith(Status status) { failure_ = std::move(status); }

  Status Migrate() override { return Status::Ok(); }
  Status RunInTransaction(const store::Work& work) override { return work(tx_); }
  Status RunReadOnly(const store::Work& work) override {
    ++reads_;
    if (!failure_.ok()) return failure_;
    return work(tx_);
  }
  void Submit(store::Work work, store::WorkDone done) override { done(work(tx_)); }
  void SetGroupObserver(std::function<void(std::size_t)>) override {}
  void Shutdown() override {}

 private:
  struct Tx final : store::Transaction {
    store::MerchantRepo& merchants() override { return merchants_; }
    store::ProductRepo& products() override { return products_; }
    store::StockEventRepo& stock_events() override { return events_; }
    FakeMerchantRepo merchants_;
    UnusedProductRepo products_;
    UnusedStockEventRepo events_;
  };
  Tx tx_;
  Status failure_;
  int reads_ = 0;
};

}  // namespace restock::auth
