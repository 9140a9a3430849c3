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
    "replay_protection FROM merchants WHERE public_id = $1";
constexpr std::string_view kSelectAllMerchants =
    "SELECT id, public_id, name, hash_key, timezone, oos_policy, created, placement_minute, "
    "replay_protection FROM merchants ORDER BY id";
constexpr std::string_view kUpdateReplayProtection =
    "UPDATE merchants SET replay_protection = $2 WHERE id = $1";
constexpr std::string_view kInsertApiUser =
    "INSERT INTO api_users (merchant_id, username, secret, created) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kSelectApiUser =
    "SELECT secret FROM api_users WHERE merchant_id = $1 AND username = $2";
constexpr std::string_view kInsertApiKey =
    "INSERT INTO api_keys (key_sha256, merchant_id, name, created) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kSelectApiKey =
    "SELECT merchant_id, name FROM api_keys WHERE key_sha256 = $1";

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
  return m;
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
  if (rows.size() == 0) return std::optional<model::Merchant>();
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, ReadMerchant(rows, 0));
  return std::optional<model::Merchant>(std::move(m));
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
  model::ApiUser user;
  user.merchant_id = merchant;
  user.username = std::string(username);
  user.secret = rows.Text(0, 0);
  return std::optional<model::ApiUser>(std::move(user));
}

Status PgMerchantRepo::AddApiKey(const model::ApiKey& key) {
  Params p;
  p.Text(key.key_sha256_hex).Int(key.merchant_id).Text(key.name).Int(cx_.clock.NowMicros());
  return DescribeDuplicate(cx_.Guarded(kInsertApiKey, p).status(), "api key already exists");
}

Result<std::optional<model::ApiKey>> PgMerchantRepo::FindApiKey(std::string_view key_sha256_hex) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectApiKey, Params().Text(key_sha256_hex)));
  if (rows.size() == 0) return std::optional<model::ApiKey>();
  model::ApiKey key;
  key.merchant_id = rows.Int(0, 0);
  key.name = rows.Text(0, 1);
  key.key_sha256_hex = std::string(key_sha256_hex);
  return std::optional<model::ApiKey>(std::move(key));
}

}  // namespace restock::store::postgres
