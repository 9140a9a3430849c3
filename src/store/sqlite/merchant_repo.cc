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
    "replay_protection FROM merchants WHERE public_id = ?1";
constexpr std::string_view kSelectAllMerchants =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection FROM merchants ORDER BY id";
constexpr std::string_view kUpdateReplayProtection =
    "UPDATE merchants SET replay_protection = ?2 WHERE id = ?1";
constexpr std::string_view kInsertApiUser =
    "INSERT INTO api_users (merchant_id, username, secret, created) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelectApiUser =
    "SELECT secret FROM api_users WHERE merchant_id = ?1 AND username = ?2";
constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (key_sha256, merchant_id, name, created) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kSelectApiKey =
    "SELECT merchant_id, name FROM api_keys WHERE key_sha256 = ?1";

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
  return merchant;
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
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::Merchant>();
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, ReadMerchant(stmt));
  return std::optional<model::Merchant>(std::move(merchant));
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
  model::ApiUser user;
  user.merchant_id = merchant;
  user.username = std::string(username);
  user.secret = stmt.ColumnText(0);
  return std::optional<model::ApiUser>(std::move(user));
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
  model::ApiKey key;
  key.merchant_id = stmt.ColumnInt64(0);
  key.name = stmt.ColumnText(1);
  key.key_sha256_hex = std::string(key_sha256_hex);
  return std::optional<model::ApiKey>(std::move(key));
}

}  // namespace restock::store::sqlite
