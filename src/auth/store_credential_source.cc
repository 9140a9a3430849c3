#include "auth/store_credential_source.h"

#include <string>
#include <utility>

namespace restock::auth {
namespace {

std::int64_t ToMicros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

// Runs one repository read in a read-only unit of work. `read` returns
// Result<std::optional<T>>; the unit of work may be retried, so it only assigns.
template <typename T, typename Read>
Result<std::optional<T>> ReadOnce(store::Database& db, Read read) {
  std::optional<T> found;
  Status status = db.RunReadOnly([&](store::Transaction& tx) -> Status {
    Result<std::optional<T>> r = read(tx.merchants());
    if (!r.ok()) return r.status();
    found = std::move(r).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

// The API-user cache key. The id is all digits, so the first ':' separates it unambiguously
// from the username.
std::string ApiUserKey(model::MerchantId merchant, std::string_view username) {
  return std::to_string(merchant) + ':' + std::string(username);
}

}  // namespace

StoreCredentialSource::StoreCredentialSource(store::Database& db, const Clock& clock,
                                             std::chrono::seconds ttl, std::size_t max_entries)
    : db_(db),
      clock_(clock),
      merchants_(clock, ToMicros(ttl), max_entries),
      api_users_(clock, ToMicros(ttl), max_entries),
      api_keys_(clock, ToMicros(ttl), max_entries) {}

Result<std::optional<model::Merchant>> StoreCredentialSource::FindMerchant(
    std::string_view public_id) {
  std::string key(public_id);
  if (std::optional<model::Merchant> hit = merchants_.Get(key)) return hit;
  Result<std::optional<model::Merchant>> r = ReadOnce<model::Merchant>(
      db_, [public_id](store::MerchantRepo& repo) { return repo.FindByPublicId(public_id); });
  if (r.ok() && r->has_value()) merchants_.Put(std::move(key), **r);
  return r;
}

Result<std::optional<model::ApiUser>> StoreCredentialSource::FindApiUser(
    model::MerchantId merchant, std::string_view username) {
  std::string key = ApiUserKey(merchant, username);
  if (std::optional<model::ApiUser> hit = api_users_.Get(key)) return hit;
  Result<std::optional<model::ApiUser>> r =
      ReadOnce<model::ApiUser>(db_, [merchant, username](store::MerchantRepo& repo) {
        return repo.FindApiUser(merchant, username);
      });
  if (r.ok() && r->has_value()) api_users_.Put(std::move(key), **r);
  return r;
}

Result<std::optional<model::ApiKey>> StoreCredentialSource::FindApiKey(
    std::string_view key_sha256_hex) {
  std::string key(key_sha256_hex);
  if (std::optional<model::ApiKey> hit = api_keys_.Get(key)) return hit;
  Result<std::optional<model::ApiKey>> r = ReadOnce<model::ApiKey>(
      db_, [key_sha256_hex](store::MerchantRepo& repo) { return repo.FindApiKey(key_sha256_hex); });
  if (r.ok() && r->has_value()) {
    RecordUse(**r);
    api_keys_.Put(std::move(key), **r);
  }
  return r;
}

void StoreCredentialSource::RecordUse(const model::ApiKey& key) {
  const UnixMicros now = clock_.NowMicros();
  if (key.last_used && now - *key.last_used < ToMicros(kLastUsedResolution)) return;
  // Queued for the group writer: the request does not wait for it, and a failure only leaves
  // last_used older than it could be.
  db_.Submit(
      [hash = key.key_sha256_hex, now](store::Transaction& tx) {
        return tx.merchants().TouchApiKey(hash, now);
      },
      [](Status) {});
}

std::optional<model::Merchant> StoreCredentialSource::CachedMerchant(std::string_view public_id) {
  return merchants_.Get(std::string(public_id));
}

std::optional<model::ApiUser> StoreCredentialSource::CachedApiUser(model::MerchantId merchant,
                                                                   std::string_view username) {
  return api_users_.Get(ApiUserKey(merchant, username));
}

std::optional<model::ApiKey> StoreCredentialSource::CachedApiKey(std::string_view key_sha256_hex) {
  return api_keys_.Get(std::string(key_sha256_hex));
}

}  // namespace restock::auth
