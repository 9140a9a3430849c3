#include <utility>

#include "store/columns.h"
#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kInsertMerchant =
    "INSERT INTO merchants (public_id, name, hash_key, timezone, oos_policy, created, "
    "placement_minute, replay_protection) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr std::string_view kSelectMerchant =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants "
    "WHERE public_id = ?1";
constexpr std::string_view kSelectMerchantById =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants WHERE id = ?1";
constexpr std::string_view kSelectAllMerchants =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection, previous_hash_key, previous_hash_key_expires, reservation_days, "
    "oos_warn_days FROM merchants "
    "ORDER BY id";
constexpr std::string_view kUpdateReplayProtection =
    "UPDATE merchants SET replay_protection = ?2 WHERE id = ?1";
constexpr std::string_view kUpdateHeldStock =
    "UPDATE merchants SET reservation_days = ?2, oos_warn_days = ?3 WHERE id = ?1";
constexpr std::string_view kInsertApiUser =
    "INSERT INTO api_users (merchant_id, username, secret, created) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelectApiUser =
    "SELECT username, secret, previous_secret, previous_secret_expires, created FROM api_users "
    "WHERE merchant_id = ?1 AND username = ?2";
constexpr std::string_view kListApiUsers =
    "SELECT username, secret, previous_secret, previous_secret_expires, created FROM api_users "
    "WHERE merchant_id = ?1 ORDER BY username";
constexpr std::string_view kDeleteApiUser =
    "DELETE FROM api_users WHERE merchant_id = ?1 AND username = ?2";
constexpr std::string_view kRotateApiUser =
    "UPDATE api_users SET previous_secret = secret, previous_secret_expires = ?4, secret = ?3 "
    "WHERE merchant_id = ?1 AND username = ?2";
constexpr std::string_view kRotateHashKey =
    "UPDATE merchants SET previous_hash_key = hash_key, previous_hash_key_expires = ?3, "
    "hash_key = ?2 WHERE id = ?1";
constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (key_sha256, merchant_id, name, created) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelectApiKey =
    "SELECT merchant_id, name, key_sha256, id, created, last_used FROM api_keys "
    "WHERE key_sha256 = ?1";
constexpr std::string_view kListApiKeys =
    "SELECT merchant_id, name, key_sha256, id, created, last_used FROM api_keys "
    "WHERE merchant_id = ?1 ORDER BY id";
constexpr std::string_view kDeleteApiKey = "DELETE FROM api_keys WHERE merchant_id = ?1 AND id = ?2";
constexpr std::string_view kTouchApiKey = "UPDATE api_keys SET last_used = ?2 WHERE key_sha256 = ?1";

// Reads the columns of kSelectMerchant / kSelectAllMerchants.
Result<model::Merchant> ReadMerchant(const Statement& stmt) {
  model::Merchant merchant;
  merchant.id = stmt.ColumnInt64(0);
  merchant.public_id = stmt.ColumnText(1);
  merchant.name = stmt.ColumnText(2);
  merchant.hash_key = stmt.ColumnText(3);
  merchant.timezone = stmt.ColumnText(4);
  std::optional<model::OosPolicy> policy = model::ParseOosPolicy(stmt.ColumnView(5));
  if (!policy) return InternalError("database error: unknown oos policy stored");
  merchant.oos_policy = *policy;
  merchant.created = stmt.ColumnInt64(6);
  merchant.placement_minute = static_cast<int>(stmt.ColumnInt64(7));
  std::optional<model::ReplayProtection> replay = model::ParseReplayProtection(stmt.ColumnView(8));
  if (!replay) return InternalError("database error: unknown replay protection stored");
  merchant.replay_protection = *replay;
  merchant.previous_hash_key = stmt.ColumnText(9);
  merchant.previous_hash_key_expires = stmt.ColumnInt64(10);
  merchant.reservation_days = static_cast<int>(stmt.ColumnInt64(11));
  merchant.oos_warn_days = static_cast<int>(stmt.ColumnInt64(12));
  return merchant;
}

// Steps a statement selecting at most one merchant; nullopt when it has no row.
Result<std::optional<model::Merchant>> ReadOptionalMerchant(Statement& stmt) {
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::Merchant>();
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, ReadMerchant(stmt));
  return std::optional<model::Merchant>(std::move(merchant));
}

// Reads the columns of kSelectApiUser / kListApiUsers.
model::ApiUser ReadApiUser(const Statement& stmt, model::MerchantId merchant) {
  model::ApiUser user;
  user.merchant_id = merchant;
  user.username = stmt.ColumnText(0);
  user.secret = stmt.ColumnText(1);
  user.previous_secret = stmt.ColumnText(2);
  user.previous_secret_expires = stmt.ColumnInt64(3);
  user.created = stmt.ColumnInt64(4);
  return user;
}

// Reads the columns of kSelectApiKey / kListApiKeys.
model::ApiKey ReadApiKey(const Statement& stmt) {
  model::ApiKey key;
  key.merchant_id = stmt.ColumnInt64(0);
  key.name = stmt.ColumnText(1);
  key.key_sha256_hex = stmt.ColumnText(2);
  key.id = stmt.ColumnInt64(3);
  key.created = stmt.ColumnInt64(4);
  key.last_used = stmt.ColumnOptionalInt64(5);
  return key;
}

// Runs a statement that must change one row: NotFound (`what`) when it changed none.
Status RunChangingOne(Connection& conn, Statement& stmt, const char* what) {
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn.Changes() == 0) return NotFoundError(what);
  return Status::Ok();
}

}  // namespace

Result<model::Merchant> SqliteMerchantRepo::Create(const model::Merchant& merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertMerchant));
  stmt.BindText(1, merchant.public_id);
  stmt.BindText(2, merchant.name);
  stmt.BindText(3, merchant.hash_key);
  stmt.BindText(4, merchant.timezone);
  stmt.BindText(5, model::OosPolicyName(merchant.oos_policy));
  stmt.BindInt64(6, merchant.created);
  stmt.BindInt64(7, merchant.placement_minute);
  stmt.BindText(8, model::ReplayProtectionName(merchant.replay_protection));
  RESTOCK_RETURN_IF_ERROR(DescribeDuplicate(stmt.Run(), "merchant public id already exists"));
  model::Merchant created = merchant;
  created.id = conn_.LastInsertRowId();
  return created;
}

Result<std::optional<model::Merchant>> SqliteMerchantRepo::FindByPublicId(
    std::string_view public_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectMerchant));
  stmt.BindText(1, public_id);
  return ReadOptionalMerchant(stmt);
}

Result<std::optional<model::Merchant>> SqliteMerchantRepo::FindById(model::MerchantId id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectMerchantById));
  stmt.BindInt64(1, id);
  return ReadOptionalMerchant(stmt);
}

Result<std::vector<model::Merchant>> SqliteMerchantRepo::ListAll() {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectAllMerchants));
  std::vector<model::Merchant> merchants;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, ReadMerchant(stmt));
    merchants.push_back(std::move(merchant));
  }
  return merchants;
}

Status SqliteMerchantRepo::SetReplayProtection(model::MerchantId merchant,
                                               model::ReplayProtection mode) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpdateReplayProtection));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, model::ReplayProtectionName(mode));
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return NotFoundError("no such merchant");
  return Status::Ok();
}

Status SqliteMerchantRepo::SetHeldStock(model::MerchantId merchant, int reservation_days,
                                        int oos_warn_days) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpdateHeldStock));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, reservation_days);
  stmt.BindInt64(3, oos_warn_days);
  return RunChangingOne(conn_, stmt, "no such merchant");
}

Status SqliteMerchantRepo::AddApiUser(const model::ApiUser& user) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertApiUser));
  stmt.BindInt64(1, user.merchant_id);
  stmt.BindText(2, user.username);
  stmt.BindText(3, user.secret);
  stmt.BindInt64(4, clock_.NowMicros());
  return DescribeDuplicate(stmt.Run(), "api user already exists");
}

Result<std::optional<model::ApiUser>> SqliteMerchantRepo::FindApiUser(model::MerchantId merchant,
                                                                      std::string_view username) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectApiUser));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, username);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::ApiUser>();
  return std::optional<model::ApiUser>(ReadApiUser(stmt, merchant));
}

Result<std::vector<model::ApiUser>> SqliteMerchantRepo::ListApiUsers(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kListApiUsers));
  stmt.BindInt64(1, merchant);
  std::vector<model::ApiUser> users;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    users.push_back(ReadApiUser(stmt, merchant));
  }
  return users;
}

Status SqliteMerchantRepo::RemoveApiUser(model::MerchantId merchant, std::string_view username) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteApiUser));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, username);
  return RunChangingOne(conn_, stmt, "no such api user");
}

Status SqliteMerchantRepo::RotateApiUserSecret(model::MerchantId merchant,
                                               std::string_view username, std::string_view secret,
                                               UnixMicros previous_expires) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kRotateApiUser));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, username);
  stmt.BindText(3, secret);
  stmt.BindInt64(4, previous_expires);
  return RunChangingOne(conn_, stmt, "no such api user");
}

Status SqliteMerchantRepo::RotateHashKey(model::MerchantId merchant, std::string_view hash_key,
                                         UnixMicros previous_expires) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kRotateHashKey));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, hash_key);
  stmt.BindInt64(3, previous_expires);
  return RunChangingOne(conn_, stmt, "no such merchant");
}

Status SqliteMerchantRepo::AddApiKey(const model::ApiKey& key) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertApiKey));
  stmt.BindText(1, key.key_sha256_hex);
  stmt.BindInt64(2, key.merchant_id);
  stmt.BindText(3, key.name);
  stmt.BindInt64(4, clock_.NowMicros());
  return DescribeDuplicate(stmt.Run(), "api key already exists");
}

Result<std::optional<model::ApiKey>> SqliteMerchantRepo::FindApiKey(
    std::string_view key_sha256_hex) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectApiKey));
  stmt.BindText(1, key_sha256_hex);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::ApiKey>();
  return std::optional<model::ApiKey>(ReadApiKey(stmt));
}

Result<std::vector<model::ApiKey>> SqliteMerchantRepo::ListApiKeys(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kListApiKeys));
  stmt.BindInt64(1, merchant);
  std::vector<model::ApiKey> keys;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    keys.push_back(ReadApiKey(stmt));
  }
  return keys;
}

Status SqliteMerchantRepo::RemoveApiKey(model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteApiKey));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, id);
  return RunChangingOne(conn_, stmt, "no such api key");
}

Status SqliteMerchantRepo::TouchApiKey(std::string_view key_sha256_hex, UnixMicros when) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kTouchApiKey));
  stmt.BindText(1, key_sha256_hex);
  stmt.BindInt64(2, when);
  return stmt.Run();
}

}  // namespace restock::store::sqlite
