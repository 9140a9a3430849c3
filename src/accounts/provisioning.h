// restock::accounts — creating merchants and their credentials (`merchant add`,
// `api-user add`, `api-key add`). Generates secrets where none are given; API keys are
// returned once and stored only as their SHA-256.
// Thread-safe; blocking (runs a transaction on the calling thread).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "store/database.h"

namespace restock::accounts {

struct NewMerchant {
  std::string public_id;
  std::string name;
  std::optional<std::string> hash_key;  // generated when absent
  std::string timezone = "UTC";
  model::OosPolicy oos_policy = model::OosPolicy::kSplit;
  int placement_minute = 6 * 60;  // local time of the daily placement run
  model::ReplayProtection replay_protection = model::ReplayProtection::kOff;
};

// Returns the stored merchant (with its hash key). InvalidArgument for an empty or overlong
// public id, or a timezone that is not an IANA name; AlreadyExists for a taken public id.
Result<model::Merchant> CreateMerchant(store::Database& db, const Clock& clock,
                                       const NewMerchant& request);

// Sets the merchant's replay protection mode (docs/security.md); returns the merchant as
// stored. NotFound for an unknown merchant.
Result<model::Merchant> SetReplayProtection(store::Database& db,
                                            const std::string& merchant_public_id,
                                            model::ReplayProtection mode);

// Held stock (docs/placement.md, "Held stock"): what to change; nullopt = unchanged.
struct HeldStockChange {
  std::optional<int> reservation_days;
  std::optional<int> oos_warn_days;
};
// InvalidArgument (naming the flag) unless each given value is in 0..model::kMaxHeldStockDays.
Status CheckHeldStockChange(const HeldStockChange& change);
// Applies `change` (CheckHeldStockChange first: a refused value changes nothing); returns the
// merchant as stored. NotFound for an unknown merchant.
Result<model::Merchant> SetHeldStock(store::Database& db, const std::string& merchant_public_id,
                                     const HeldStockChange& change);

// Returns the user with its secret (generated when absent). NotFound for an unknown merchant;
// AlreadyExists for a taken username.
Result<model::ApiUser> CreateApiUser(store::Database& db, const std::string& merchant_public_id,
                                     const std::string& username,
                                     const std::optional<std::string>& secret);

struct CreatedApiKey {
  model::ApiKey stored;
  std::string key;  // the only time the plain key exists
};

// NotFound for an unknown merchant.
Result<CreatedApiKey> CreateApiKey(store::Database& db, const std::string& merchant_public_id,
                                   const std::string& name);

// Looks a merchant up by public id. NotFound when absent.
Result<model::Merchant> FindMerchant(store::Database& db, const std::string& public_id);

// Looks a merchant up by internal id. NotFound when absent.
Result<model::Merchant> FindMerchantById(store::Database& db, model::MerchantId id);

}  // namespace restock::accounts
