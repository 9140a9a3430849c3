// restock::accounts — credentials over their lifetime (docs/security.md, "Rotating
// credentials"): listing and revoking API keys, listing, removing and rotating API users,
// rotating a merchant's hash key. A rotation keeps the replaced secret valid for an overlap,
// so clients can switch without a failed request; revocation and removal are immediate in the
// database (a running server sees them once its credential cache expires).
// Thread-safe; blocking (each runs a transaction on the calling thread). Every function
// returns NotFound for an unknown merchant, and acts on that merchant's credentials only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/merchant.h"
#include "store/database.h"

namespace restock::accounts {

// How long a replaced secret stays valid when no overlap is given.
inline constexpr double kDefaultOverlapHours = 24;
// The longest overlap accepted (30 days).
inline constexpr double kMaxOverlapHours = 720;

// The merchant's API keys by id (hashes only: the keys themselves are never stored).
Result<std::vector<model::ApiKey>> ListApiKeys(store::Database& db,
                                               const std::string& merchant_public_id);
// Deletes the key. NotFound when the merchant has no key with that id.
Status RevokeApiKey(store::Database& db, const std::string& merchant_public_id, std::int64_t id);

// The merchant's API users by username (with secrets: callers must not show them).
Result<std::vector<model::ApiUser>> ListApiUsers(store::Database& db,
                                                 const std::string& merchant_public_id);
// Deletes the user. NotFound when the merchant has no such user.
Status RemoveApiUser(store::Database& db, const std::string& merchant_public_id,
                     const std::string& username);

// Gives the user `secret` (generated when absent); the old secret stays valid for
// `overlap_hours`. Returns the user as stored. InvalidArgument for an empty secret or an
// overlap outside 0..kMaxOverlapHours; NotFound when the merchant has no such user.
Result<model::ApiUser> RotateApiUserSecret(store::Database& db, const Clock& clock,
                                           const std::string& merchant_public_id,
                                           const std::string& username,
                                           const std::optional<std::string>& secret,
                                           double overlap_hours);

// Gives the merchant a generated hash key; the old one stays valid for `overlap_hours`.
// Returns the merchant as stored. InvalidArgument for an overlap outside 0..kMaxOverlapHours.
Result<model::Merchant> RotateHashKey(store::Database& db, const Clock& clock,
                                      const std::string& merchant_public_id, double overlap_hours);

}  // namespace restock::accounts
