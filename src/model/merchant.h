// restock::model — merchants and their credentials (value types, no behaviour).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "model/ids.h"

namespace restock::model {

// What placement does with items that cannot ship (docs/placement.md).
enum class OosPolicy { kSplit, kHold, kSkip, kPlaceAnyway };

// Whether HMAC-signed requests must also sign their body and may be used once
// (docs/security.md). kOff is Ordergroove's behaviour and the default.
enum class ReplayProtection { kOff, kStrict };

// "off", "strict".
std::string_view ReplayProtectionName(ReplayProtection p);
// Inverse of ReplayProtectionName; nullopt for anything else.
std::optional<ReplayProtection> ParseReplayProtection(std::string_view name);

// "split", "hold", "skip", "place_anyway".
std::string_view OosPolicyName(OosPolicy p);
// Inverse of OosPolicyName; nullopt for anything else.
std::optional<OosPolicy> ParseOosPolicy(std::string_view name);

struct Merchant {
  MerchantId id = 0;
  std::string public_id;
  std::string name;
  // Key for customer-scope signatures. A secret: never logged.
  std::string hash_key;
  std::string timezone = "UTC";
  OosPolicy oos_policy = OosPolicy::kSplit;
  // Local time of the daily placement run, in minutes after midnight (06:00 by default).
  int placement_minute = 6 * 60;
  ReplayProtection replay_protection = ReplayProtection::kOff;
  UnixMicros created = 0;
  // The hash key replaced by the latest rotation, still accepted before
  // previous_hash_key_expires (docs/security.md, "Rotating credentials"); empty when none.
  std::string previous_hash_key;
  UnixMicros previous_hash_key_expires = 0;
  // Held stock (docs/placement.md, "Held stock"): unsent orders due up to this many days
  // after the merchant's today count as committed; order.oos_predicted looks this many days
  // ahead (0: never).
  int reservation_days = 0;
  int oos_warn_days = 3;
};

// The largest reservation_days and oos_warn_days a merchant may set.
inline constexpr int kMaxHeldStockDays = 366;

// An API user (HMAC API-user scope). `secret` is the HMAC key: never logged.
struct ApiUser {
  MerchantId merchant_id = 0;
  std::string username;
  std::string secret;
  // The secret replaced by the latest rotation, still accepted before previous_secret_expires;
  // empty when none. A secret too: never logged.
  std::string previous_secret;
  UnixMicros previous_secret_expires = 0;
  UnixMicros created = 0;
};

// An application key (x-api-key). Only its SHA-256 is stored.
struct ApiKey {
  MerchantId merchant_id = 0;
  std::string name;
  std::string key_sha256_hex;
  // Assigned by the store; what `api-key list` shows and `api-key revoke` takes.
  std::int64_t id = 0;
  UnixMicros created = 0;
  // When the key last authenticated a request, to about a minute; nullopt when never.
  std::optional<UnixMicros> last_used;
};


}  // namespace restock::model
