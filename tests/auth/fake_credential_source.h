// An in-memory CredentialSource for tests. Thread-safe enough for single-threaded tests
// only; counts lookups and can be told to fail.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "auth/authenticator.h"

namespace restock::auth {

class FakeCredentialSource final : public CredentialSource {
 public:
  void AddMerchant(model::Merchant m) { merchants_[m.public_id] = std::move(m); }
  void AddApiUser(model::ApiUser u) { users_[{u.merchant_id, u.username}] = std::move(u); }
  void AddApiKey(model::ApiKey k) { keys_[k.key_sha256_hex] = std::move(k); }
  // While set, every lookup returns `status`.
  void FailWith(Status status) { failure_ = std::move(status); }

  // While set, the Cached* lookups answer like the Find* ones (everything is "in memory");
  // otherwise they know nothing. They never count as lookups.
  void SetInMemory(bool in_memory) { in_memory_ = in_memory; }

  int lookups() const { return lookups_; }

  Result<std::optional<model::Merchant>> FindMerchant(std::string_view public_id) override {
    return Find(merchants_, std::string(public_id));
  }
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                    std::string_view username) override {
    return Find(users_, std::pair{merchant, std::string(username)});
  }
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) override {
    return Find(keys_, std::string(key_sha256_hex));
  }
  InMemory<model::Merchant> CachedMerchant(std::string_view public_id) override {
    return Cached(merchants_, std::string(public_id));
  }
  InMemory<model::ApiUser> CachedApiUser(model::MerchantId merchant,
                                         std::string_view username) override {
    return Cached(users_, std::pair{merchant, std::string(username)});
  }
  InMemory<model::ApiKey> CachedApiKey(std::string_view key_sha256_hex) override {
    return Cached(keys_, std::string(key_sha256_hex));
  }

 private:
  template <typename Map, typename Key>
  Result<std::optional<typename Map::mapped_type>> Find(const Map& map, const Key& key) {
    ++lookups_;
    if (!failure_.ok()) return failure_;
    auto it = map.find(key);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }

  template <typename Map, typename Key>
  InMemory<typename Map::mapped_type> Cached(const Map& map, const Key& key) const {
    if (!in_memory_) return std::nullopt;
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;  // misses are never "in memory"
    return std::optional<typename Map::mapped_type>(it->second);
  }

  std::map<std::string, model::Merchant> merchants_;
  std::map<std::pair<model::MerchantId, std::string>, model::ApiUser> users_;
  std::map<std::string, model::ApiKey> keys_;
  Status failure_;
  int lookups_ = 0;
  bool in_memory_ = false;
};

}  // namespace restock::auth
