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

template <typename T>
CredentialSource::InMemory<T> StoreCredentialSource::Cache<T>::Get(const std::string& key) {
  if (std::optional<T> hit = found.Get(key)) return InMemory<T>(std::move(hit));
  if (absent.Get(key)) return InMemory<T>(std::optional<T>());
  return std::nullopt;
}

template <typename T>
void StoreCredentialSource::Cache<T>::Put(std::string key, const std::optional<T>& value) {
  if (value) {
    found.Put(std::move(key), *value);
  } else {
    absent.Put(std::move(key), true);
  }
}

template <typename T, typename Read>
Result<std::optional<T>> StoreCredentialSource::Find(Cache<T>& cache, std::string key,
                                                     Read read) {
  if (InMemory<T> hit = cache.Get(key)) return std::move(*hit);
  Result<std::optional<T>> r = ReadOnce<T>(db_, read);
  if (r.ok()) cache.Put(std::move(key), *r);
  return r;
}

StoreCredentialSource::StoreCredentialSource(store::Database& db, const Clock& clock,
                                             std::chrono::seconds ttl, std::size_t max_entries)
    : db_(db),
      merchants_(clock, ToMicros(ttl), max_entries),
      api_users_(clock, ToMicros(ttl), max_entries),
      api_keys_(clock, ToMicros(ttl), max_entries) {}

Result<std::optional<model::Merchant>> StoreCredentialSource::FindMerchant(
    std::string_view public_id) {
  return Find(merchants_, std::string(public_id),
              [public_id](store::MerchantRepo& repo) { return repo.FindByPublicId(public_id); });
}

Result<std::optional<model::ApiUser>> StoreCredentialSource::FindApiUser(
    model::MerchantId merchant, std::string_view username) {
  return Find(api_users_, ApiUserKey(merchant, username),
              [merchant, username](store::MerchantRepo& repo) {
                return repo.FindApiUser(merchant, username);
              });
}

Result<std::optional<model::ApiKey>> StoreCredentialSource::FindApiKey(
    std::string_view key_sha256_hex) {
  return Find(api_keys_, std::string(key_sha256_hex), [key_sha256_hex](store::MerchantRepo& repo) {
    return repo.FindApiKey(key_sha256_hex);
  });
}

CredentialSource::InMemory<model::Merchant> StoreCredentialSource::CachedMerchant(
    std::string_view public_id) {
  return merchants_.Get(std::string(public_id));
}

CredentialSource::InMemory<model::ApiUser> StoreCredentialSource::CachedApiUser(
    model::MerchantId merchant, std::string_view username) {
  return api_users_.Get(ApiUserKey(merchant, username));
}

CredentialSource::InMemory<model::ApiKey> StoreCredentialSource::CachedApiKey(
    std::string_view key_sha256_hex) {
  return api_keys_.Get(std::string(key_sha256_hex));
}

}  // namespace restock::auth
