#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

constexpr std::string_view kInsertMerchant =
    "INSERT INTO merchants (public_id, name, hash_key, timezone, oos_policy, created, "
    "placement_minute, replay_protection) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr std::string_view kSelectMerchant =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants "
    "WHERE public_id = $1";
constexpr std::string_view kSelectMerchantById =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants WHERE id = $1";
constexpr std::string_view kSelectAllMerchants =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants "
    "ORDER BY id";
constexpr std::string_view kUpdateReplayProtection =
    "UPDATE merchants SET replay_protection = $2 WHERE id = $1";
constexpr std::string_view kUpdateHeldStock =
    "UPDATE merchants SET reservation_days = $2, oos_warn_days = $3 WHERE id = $1";
constexpr std::string_view kInsertApiUser =
    "INSERT INTO api_users (merchant_id, username, secret, created) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kSelectApiUser =
    "SELECT username, secret, previous_secret, previous_secret_expires, created FROM api_users "
    "WHERE merchant_id = $1 AND username = $2";
constexpr std::string_view kListApiUsers =
    "SELECT username, secret, previous_secret, previous_secret_expires, created FROM api_users "
    "WHERE merchant_id = $1 ORDER BY username";
constexpr std::string_view kDeleteApiUser =
    "DELETE FROM api_users WHERE merchant_id = $1 AND username = $2";
constexpr std::string_view kRotateApiUser =
    "UPDATE api_users SET previous_secret = secret, previous_secret_expires = $4, secret = $3 "
    "WHERE merchant_id = $1 AND username = $2";
constexpr std::string_view kRotateHashKey =
    "UPDATE merchants SET previous_hash_key = hash_key, previous_hash_key_expires = $3, "
    "hash_key = $2 WHERE id = $1";
constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (key_sha256, merchant_id, name, created) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kSelectApiKey =
    "SELECT merchant_id, name, key_sha256, id, created, last_used FROM api_keys "
    "WHERE key_sha256 = $1";
constexpr std::string_view kListApiKeys =
    "SELECT merchant_id, name, key_sha256, id, created, last_used FROM api_keys "
    "WHERE merchant_id = $1 ORDER BY id";
constexpr std::string_view kDeleteApiKey = "DELETE FROM api_keys WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kTouchApiKey = "UPDATE api_keys SET last_used = $2 WHERE key_sha256 = $1";

Result<model::Merchant> ReadMerchant(const Rows& rows, int r) {
  model::Merchant m;
  m.id = rows.Int(r, 0);
  m.public_id = rows.Text(r, 1);
  m.name = rows.Text(r, 2);
  m.hash_key = rows.Text(r, 3);
  m.timezone = rows.Text(r, 4);
  std::optional<model::OosPolicy> policy = model::ParseOosPolicy(rows.Text(r, 5));
  if (!policy) return InternalError("database error: unknown oos policy stored");
  m.oos_policy = *policy;
  m.created = rows.Int(r, 6);
  m.placement_minute = static_cast<int>(rows.Int(r, 7));
  std::optional<model::ReplayProtection> replay = model::ParseReplayProtection(rows.Text(r, 8));
  if (!replay) return InternalError("database error: unknown replay protection stored");
  m.replay_protection = *replay;
  m.previous_hash_key = rows.Text(r, 9);
  m.previous_hash_key_expires = rows.Int(r, 10);
  m.reservation_days = static_cast<int>(rows.Int(r, 11));
  m.oos_warn_days = static_cast<int>(rows.Int(r, 12));
  return m;
}

// The merchant of a statement selecting at most one; nullopt when it has no row.
Result<std::optional<model::Merchant>> ReadOptionalMerchant(const Rows& rows) {
  if (rows.size() == 0) return std::optional<model::Merchant>();
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, ReadMerchant(rows, 0));
  return std::optional<model::Merchant>(std::move(m));
}

// Reads the columns of kSelectApiUser / kListApiUsers.
model::ApiUser ReadApiUser(const Rows& rows, int r, model::MerchantId merchant) {
  model::ApiUser user;
  user.merchant_id = merchant;
  user.username = rows.Text(r, 0);
  user.secret = rows.Text(r, 1);
  user.previous_secret = rows.Text(r, 2);
  user.previous_secret_expires = rows.Int(r, 3);
  user.created = rows.Int(r, 4);
  return user;
}

// Reads the columns of kSelectApiKey / kListApiKeys.
model::ApiKey ReadApiKey(const Rows& rows, int r) {
  model::ApiKey key;
  key.merchant_id = rows.Int(r, 0);
  key.name = rows.Text(r, 1);
  key.key_sha256_hex = rows.Text(r, 2);
  key.id = rows.Int(r, 3);
  key.created = rows.Int(r, 4);
  key.last_used = rows.OptionalInt(r, 5);
  return key;
}

// NotFound (`what`) when a statement that must change one row changed none.
Status ChangedOne(Result<Rows> rows, const char* what) {
  RESTOCK_RETURN_IF_ERROR(rows.status());
  if (rows->affected() == 0) return NotFoundError(what);
  return Status::Ok();
}

}  // namespace

Result<model::Merchant> PgMerchantRepo::Create(const model::Merchant& merchant) {
  Params p;
  p.Text(merchant.public_id).Text(merchant.name).Text(merchant.hash_key).Text(merchant.timezone);
  p.Text(model::OosPolicyName(merchant.oos_policy)).Int(merchant.created);
  p.Int(merchant.placement_minute).Text(model::ReplayProtectionName(merchant.replay_protection));
  Result<Rows> rows = cx_.Guarded(kInsertMerchant, p);
  RESTOCK_RETURN_IF_ERROR(DescribeDuplicate(rows.status(), "merchant public id already exists"));
  model::Merchant created = merchant;
  created.id = rows->Int(0, 0);
  return created;
}

Result<std::optional<model::Merchant>> PgMerchantRepo::FindByPublicId(std::string_view public_id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectMerchant, Params().Text(public_id)));
  return ReadOptionalMerchant(rows);
}

Result<std::optional<model::Merchant>> PgMerchantRepo::FindById(model::MerchantId id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectMerchantById, Params().Int(id)));
  return ReadOptionalMerchant(rows);
}

Result<std::vector<model::Merchant>> PgMerchantRepo::ListAll() {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectAllMerchants, {}));
  std::vector<model::Merchant> merchants;
  merchants.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, ReadMerchant(rows, r));
    merchants.push_back(std::move(m));
  }
  return merchants;
}

Status PgMerchantRepo::SetReplayProtection(model::MerchantId merchant,
                                           model::ReplayProtection mode) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kUpdateReplayProtection,
                                Params().Int(merchant).Text(model::ReplayProtectionName(mode))));
  if (rows.affected() == 0) return NotFoundError("no such merchant");
  return Status::Ok();
}

Status PgMerchantRepo::SetHeldStock(model::MerchantId merchant, int reservation_days,
                                    int oos_warn_days) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kUpdateHeldStock,
                                Params().Int(merchant).Int(reservation_days).Int(oos_warn_days)));
  if (rows.affected() == 0) return NotFoundError("no such merchant");
  return Status::Ok();
}

Status PgMerchantRepo::AddApiUser(const model::ApiUser& user) {
  Params p;
  p.Int(user.merchant_id).Text(user.username).Text(user.secret).Int(cx_.clock.NowMicros());
  return DescribeDuplicate(cx_.Guarded(kInsertApiUser, p).status(), "api user already exists");
}

Result<std::optional<model::ApiUser>> PgMerchantRepo::FindApiUser(model::MerchantId merchant,
                                                                  std::string_view username) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kSelectApiUser, Params().Int(merchant).Text(username)));
  if (rows.size() == 0) return std::optional<model::ApiUser>();
  return std::optional<model::ApiUser>(ReadApiUser(rows, 0, merchant));
}

Result<std::vector<model::ApiUser>> PgMerchantRepo::ListApiUsers(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kListApiUsers, Params().Int(merchant)));
  std::vector<model::ApiUser> users;
  users.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) users.push_back(ReadApiUser(rows, r, merchant));
  return users;
}

Status PgMerchantRepo::RemoveApiUser(model::MerchantId merchant, std::string_view username) {
  return ChangedOne(cx_.conn.Query(kDeleteApiUser, Params().Int(merchant).Text(username)),
                    "no such api user");
}

Status PgMerchantRepo::RotateApiUserSecret(model::MerchantId merchant, std::string_view username,
                                           std::string_view secret, UnixMicros previous_expires) {
  Params p;
  p.Int(merchant).Text(username).Text(secret).Int(previous_expires);
  return ChangedOne(cx_.conn.Query(kRotateApiUser, p), "no such api user");
}

Status PgMerchantRepo::RotateHashKey(model::MerchantId merchant, std::string_view hash_key,
                                     UnixMicros previous_expires) {
  Params p;
  p.Int(merchant).Text(hash_key).Int(previous_expires);
  return ChangedOne(cx_.conn.Query(kRotateHashKey, p), "no such merchant");
}

Status PgMerchantRepo::AddApiKey(const model::ApiKey& key) {
  Params p;
  p.Text(key.key_sha256_hex).Int(key.merchant_id).Text(key.name).Int(cx_.clock.NowMicros());
  return DescribeDuplicate(cx_.Guarded(kInsertApiKey, p).status(), "api key already exists");
}

Result<std::optional<model::ApiKey>> PgMerchantRepo::FindApiKey(std::string_view key_sha256_hex) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectApiKey, Params().Text(key_sha256_hex)));
  if (rows.size() == 0) return std::optional<model::ApiKey>();
  return std::optional<model::ApiKey>(ReadApiKey(rows, 0));
}

Result<std::vector<model::ApiKey>> PgMerchantRepo::ListApiKeys(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kListApiKeys, Params().Int(merchant)));
  std::vector<model::ApiKey> keys;
  keys.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) keys.push_back(ReadApiKey(rows, r));
  return keys;
}

Status PgMerchantRepo::RemoveApiKey(model::MerchantId merchant, std::int64_t id) {
  return ChangedOne(cx_.conn.Query(kDeleteApiKey, Params().Int(merchant).Int(id)),
                    "no such api key");
}

Status PgMerchantRepo::TouchApiKey(std::string_view key_sha256_hex, UnixMicros when) {
  return cx_.conn.Query(kTouchApiKey, Params().Text(key_sha256_hex).Int(when)).status();
}

}  // namespace restock::store::postgres
