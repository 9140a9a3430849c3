// restock::store — storage for strict replay protection (docs/security.md): the signed
// requests a merchant has already accepted, so that the same signature is refused the second
// time, across restarts and across several server nodes sharing one database.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "model/ids.h"

namespace restock::store {

class SeenSignatureRepo {
 public:
  virtual ~SeenSignatureRepo() = default;

  // Remembers that `merchant` accepted the request identified by `digest` (an opaque
  // string of at most 128 bytes chosen by the caller; restock uses a hex SHA-256, never a
  // signature itself) until `expires`.
  // Returns true when the digest is new, false when the merchant already has it with an
  // expiry later than `now` (a replay; nothing is changed). An entry that expired at or
  // before `now` is overwritten and the digest counts as new.
  // Must be atomic against concurrent callers on other connections or nodes: of two
  // transactions remembering the same digest, at most one commits with `true` (SQLite: one
  // writer; PostgreSQL: INSERT … ON CONFLICT (merchant_id, digest) DO UPDATE … WHERE
  // expires <= now, true when a row was written).
  virtual Result<bool> Remember(model::MerchantId merchant, std::string_view digest,
                                UnixMicros now, UnixMicros expires) = 0;

  // Deletes at most `limit` entries of any merchant whose expiry is at or before `now`.
  // Returns how many were deleted.
  virtual Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) = 0;
};

}  // namespace restock::store
