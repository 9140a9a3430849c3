#include "accounts/credentials.h"

#include <cmath>
#include <utility>

#include "accounts/provisioning.h"
#include "core/crypto.h"

namespace restock::accounts {
namespace {

// The end of the overlap starting now, or InvalidArgument for an overlap out of range.
Result<UnixMicros> OverlapEnd(const Clock& clock, double overlap_hours) {
  if (!std::isfinite(overlap_hours) || overlap_hours < 0 || overlap_hours > kMaxOverlapHours) {
    return InvalidArgumentError("--overlap-hours must be between 0 and 720");
  }
  return clock.NowMicros() + static_cast<UnixMicros>(std::llround(overlap_hours * 3600e6));
}

}  // namespace

Result<std::vector<model::ApiKey>> ListApiKeys(store::Database& db,
                                               const std::string& merchant_public_id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  std::vector<model::ApiKey> keys;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(keys, tx.merchants().ListApiKeys(merchant.id));
    return Status::Ok();
  }));
  return keys;
}

Status RevokeApiKey(store::Database& db, const std::string& merchant_public_id, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  Status status = db.RunInTransaction(
      [&](store::Transaction& tx) { return tx.merchants().RemoveApiKey(merchant.id, id); });
  if (status.code() == StatusCode::kNotFound) {
    return NotFoundError("no api key with id " + std::to_string(id) + " for this merchant");
  }
  return status;
}

Result<std::vector<model::ApiUser>> ListApiUsers(store::Database& db,
                                                 const std::string& merchant_public_id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  std::vector<model::ApiUser> users;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(users, tx.merchants().ListApiUsers(merchant.id));
    return Status::Ok();
  }));
  return users;
}

Status RemoveApiUser(store::Database& db, const std::string& merchant_public_id,
                     const std::string& username) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  Status status = db.RunInTransaction(
      [&](store::Transaction& tx) { return tx.merchants().RemoveApiUser(merchant.id, username); });
  if (status.code() == StatusCode::kNotFound) {
    return NotFoundError("no api user '" + username + "' for this merchant");
  }
  return status;
}

Result<model::ApiUser> RotateApiUserSecret(store::Database& db, const Clock& clock,
                                           const std::string& merchant_public_id,
                                           const std::string& username,
                                           const std::optional<std::string>& secret,
                                           double overlap_hours) {
  if (secret && secret->empty()) return InvalidArgumentError("secret must not be empty");
  RESTOCK_ASSIGN_OR_RETURN(UnixMicros previous_expires, OverlapEnd(clock, overlap_hours));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  const std::string new_secret = secret.value_or(RandomToken(32));
  std::optional<model::ApiUser> stored;
  Status status = db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(
        tx.merchants().RotateApiUserSecret(merchant.id, username, new_secret, previous_expires));
    RESTOCK_ASSIGN_OR_RETURN(stored, tx.merchants().FindApiUser(merchant.id, username));
    return Status::Ok();
  });
  if (status.code() == StatusCode::kNotFound) {
    return NotFoundError("no api user '" + username + "' for this merchant");
  }
  RESTOCK_RETURN_IF_ERROR(status);
  if (!stored) return InternalError("api user vanished during its rotation");
  return std::move(*stored);
}

Result<model::Merchant> RotateHashKey(store::Database& db, const Clock& clock,
                                      const std::string& merchant_public_id,
                                      double overlap_hours) {
  RESTOCK_ASSIGN_OR_RETURN(UnixMicros previous_expires, OverlapEnd(clock, overlap_hours));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, FindMerchant(db, merchant_public_id));
  const std::string new_key = RandomToken(24);
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) {
    return tx.merchants().RotateHashKey(merchant.id, new_key, previous_expires);
  }));
  merchant.previous_hash_key = std::exchange(merchant.hash_key, new_key);
  merchant.previous_hash_key_expires = previous_expires;
  return merchant;
}

}  // namespace restock::accounts
