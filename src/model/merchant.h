// restock::model — merchants and their credentials (value types, no behaviour).
#pragma once

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
};

// An API user (HMAC API-user scope). `secret` is the HMAC key: never logged.
struct ApiUser {
  MerchantId merchant_id = 0;
  std::string username;
  std::string secret;
};

// An application key (x-api-key). Only its SHA-256 is stored.
struct ApiKey {
  MerchantId merchant_id = 0;
  std::string name;
  std::string key_sha256_hex;
};

}  // namespace restock::model
