// restock::auth — the CredentialSource backed by the database, with a short-lived cache so
// a busy merchant's credentials are not read from the database on every request.
//
// A key read from the database is recorded as used (its last_used, at most once per
// kLastUsedResolution) through Database::Submit, without waiting for it.
// Only found credentials are cached, each for `ttl` from when it was read. Absent ones and
// errors are never cached, so a newly created merchant, API user or key works at once.
// CONSEQUENCE: revoking or changing a credential (deleting an API user or key, rotating a
// secret or hash key) takes up to `ttl` to be seen by this process. Use a ttl of 0 to
// disable caching.
// Thread-safe. Does not own the database or clock; both must outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
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
  // How stale an API key's last_used may get before a read of the key refreshes it.
  static constexpr std::chrono::seconds kLastUsedResolution{60};

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

  // The cache alone: a credential read less than `ttl` ago, never the database.
  std::optional<model::Merchant> CachedMerchant(std::string_view public_id) override;
  std::optional<model::ApiUser> CachedApiUser(model::MerchantId merchant,
                                              std::string_view username) override;
  std::optional<model::ApiKey> CachedApiKey(std::string_view key_sha256_hex) override;

 private:
  // Refreshes key.last_used in the database when it is older than kLastUsedResolution.
  void RecordUse(const model::ApiKey& key);

  store::Database& db_;
  const Clock& clock_;
  internal::TtlCache<model::Merchant> merchants_;  // by public id
  internal::TtlCache<model::ApiUser> api_users_;   // by "<merchant id>:<username>"
  internal::TtlCache<model::ApiKey> api_keys_;     // by key hash
};

}  // namespace restock::auth
