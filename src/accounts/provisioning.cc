#include "accounts/provisioning.h"


#include "core/crypto.h"
#include "core/timezone.h"

namespace restock::accounts {
namespace {

constexpr std::size_t kMaxIdentifierBytes = 256;

Status CheckIdentifier(std::string_view what, const std::string& value) {
  if (value.empty() || value.size() > kMaxIdentifierBytes) {
    return InvalidArgumentError(std::string(what) + " must be 1 to 256 bytes");
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c == 0x7f || c == '|') {
      return InvalidArgumentError(std::string(what) +
                                  " must not contain spaces, control characters or '|'");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<model::Merchant> FindMerchant(store::Database& db, const std::string& public_id) {
  std::optional<model::Merchant> found;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(found, tx.merchants().FindByPublicId(public_id));
    return Status::Ok();
  }));
  if (!found) return NotFoundError("no merchant with public id '" + public_id + "'");
  return *found;
}

Result<model::Merchant> FindMerchantById(store::Database& db, model::MerchantId id) {
  std::vector<model::Merchant> all;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(all, tx.merchants().ListAll());
    return Status::Ok();
  }));
  for (auto& m : all) {
    if (m.id == id) return std::move(m);
  }
  return NotFoundError("no merchant with id " + std::to_string(id));
}

Result<model::Merchant> CreateMerchant(store::Database& db, const Clock& clock,
                                       const NewMerchant& request) {
  RESTOCK_RETURN_IF_ERROR(CheckIdentifier("public id", request.public_id));
  if (!TimeZone::Load(request.timezone).ok()) {
    return InvalidArgumentError("unknown timezone '" + request.timezone + "'");
  }
  model::Merchant merchant;
  merchant.public_id = request.public_id;
  merchant.name = request.name;
  merchant.hash_key = request.hash_key.value_or(RandomToken(24));
  if (merchant.hash_key.empty()) return InvalidArgumentError("hash key must not be empty");
  merchant.timezone = request.timezone;
  merchant.oos_policy = request.oos_policy;
  if (request.placement_minute < 0 || request.placement_minute >= 24 * 60) {
    return InvalidArgumentError("placement time must be within the day");
  }
  merchant.placement_minute = request.placement_minute;
  merchant.replay_protection = request.replay_protection;
  merchant.created = clock.NowMicros();
  model::Merchant stored;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(stored, tx.merchants().Create(merchant));
    return Status::Ok();
  }));
  return stored;
}

Result<model::Merchant> SetReplayProtection(store::Database& db,
                                            const std::string& merchant_public_id,
                                            model::ReplayProtection mode) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) {
    return tx.merchants().SetReplayProtection(merchant.id, mode);
  }));
  merchant.replay_protection = mode;
  return merchant;
}

Status CheckHeldStockChange(const HeldStockChange& change) {
  const std::string range = " must be a whole number of days from 0 to " +
                            std::to_string(model::kMaxHeldStockDays);
  auto bad = [](const std::optional<int>& days) {
    return days && (*days < 0 || *days > model::kMaxHeldStockDays);
  };
  if (bad(change.reservation_days)) return InvalidArgumentError("--reservation-days" + range);
  if (bad(change.oos_warn_days)) return InvalidArgumentError("--oos-warn-days" + range);
  return Status::Ok();
}

Result<model::Merchant> SetHeldStock(store::Database& db, const std::string& merchant_public_id,
                                     const HeldStockChange& change) {
  RESTOCK_RETURN_IF_ERROR(CheckHeldStockChange(change));
  std::optional<model::Merchant> merchant;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(merchant, tx.merchants().FindByPublicId(merchant_public_id));
    if (!merchant) return Status::Ok();
    merchant->reservation_days = change.reservation_days.value_or(merchant->reservation_days);
    merchant->oos_warn_days = change.oos_warn_days.value_or(merchant->oos_warn_days);
    return tx.merchants().SetHeldStock(merchant->id, merchant->reservation_days,
                                       merchant->oos_warn_days);
  }));
  if (!merchant) return NotFoundError("no merchant with public id '" + merchant_public_id + "'");
  return *merchant;
}

Result<model::ApiUser> CreateApiUser(store::Database& db, const std::string& merchant_public_id,
                                     const std::string& username,
                                     const std::optional<std::string>& secret) {
  RESTOCK_RETURN_IF_ERROR(CheckIdentifier("username", username));
  if (secret && secret->empty()) return InvalidArgumentError("secret must not be empty");
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  model::ApiUser user;
  user.merchant_id = merchant.id;
  user.username = username;
  user.secret = secret.value_or(RandomToken(32));
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction(
      [&](store::Transaction& tx) -> Status { return tx.merchants().AddApiUser(user); }));
  return user;
}

Result<CreatedApiKey> CreateApiKey(store::Database& db, const std::string& merchant_public_id,
                                   const std::string& name) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  CreatedApiKey created;
  created.key = "rk_" + RandomToken(32);
  created.stored.merchant_id = merchant.id;
  created.stored.name = name;
  created.stored.key_sha256_hex = HexEncode(Sha256(created.key));
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction(
      [&](store::Transaction& tx) -> Status { return tx.merchants().AddApiKey(created.stored); }));
  return created;
}

}  // namespace restock::accounts
