// restock::auth — the CredentialSource backed by the database, with a short-lived cache so
// a busy merchant's credentials are not read from the database on every request.
//
// Found and absent credentials are both cached, each for `ttl` from when it was read, so an
// unknown merchant, API user or key costs what a known one costs (no database read, the
// same thread): response times do not tell which exist (docs/security.md). Absences are
// kept apart from found credentials, so a flood of made-up names cannot evict real ones.
// Errors are never cached.
// CONSEQUENCE: revoking or changing a credential (deleting an API user or key, rotating a
// secret or hash key) takes up to `ttl` to be seen by this process, and so does a new one
// whose absence was looked up just before. Use a ttl of 0 to disable caching.
// Thread-safe. Does not own the database or clock; both must outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "auth/ttl_cache.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "store/database.h"

namespace restock::auth {

class StoreCredentialSource final : public CredentialSource {
 public:
  static constexpr std::chrono::seconds kDefaultTtl{5};
  // Per kind of credential (merchants, API users, API keys).
  static constexpr std::size_t kDefaultMaxEntries = 100'000;

  // REQUIRES: ttl >= 0.
  StoreCredentialSource(store::Database& db, const Clock& clock,
                        std::chrono::seconds ttl = kDefaultTtl,
                        std::size_t max_entries = kDefaultMaxEntries);

  // Each reads through Database::RunReadOnly on a cache miss (blocking the caller), and
  // returns the database's error unchanged when it fails.
  Result<std::optional<model::Merchant>> FindMerchant(std::string_view public_id) override;
  Result<std::optional<model::ApiUser>> FindApiUser(model::MerchantId merchant,
                                                    std::string_view username) override;
  Result<std::optional<model::ApiKey>> FindApiKey(std::string_view key_sha256_hex) override;

  // The cache alone: what was read less than `ttl` ago (found or absent), never the database.
  InMemory<model::Merchant> CachedMerchant(std::string_view public_id) override;
  InMemory<model::ApiUser> CachedApiUser(model::MerchantId merchant,
                                         std::string_view username) override;
  InMemory<model::ApiKey> CachedApiKey(std::string_view key_sha256_hex) override;

 private:
  // Found credentials of one kind, and the names read as absent.
  template <typename T>
  struct Cache {
    Cache(const Clock& clock, std::int64_t ttl_micros, std::size_t max_entries)
        : found(clock, ttl_micros, max_entries), absent(clock, ttl_micros, max_entries) {}
    InMemory<T> Get(const std::string& key);
    void Put(std::string key, const std::optional<T>& value);
    internal::TtlCache<T> found;
    internal::TtlCache<bool> absent;
  };
  template <typename T, typename Read>
  Result<std::optional<T>> Find(Cache<T>& cache, std::string key, Read read);

  store::Database& db_;
  Cache<model::Merchant> merchants_;  // by public id
  Cache<model::ApiUser> api_users_;   // by "<merchant id>:<username>"
  Cache<model::ApiKey> api_keys_;     // by key hash
};

}  // namespace restock::auth
