// restock::store — storage for idempotent batch requests (docs/api.md, "Idempotent retries"):
// the answer a merchant's request with an Idempotency-Key got, written in the same
// transaction as the changes it made, so that a retry with that key gets the same answer
// and applies nothing, across restarts and across several server nodes sharing one
// database.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "model/ids.h"

namespace restock::store {

// What a keyed request was, and what it was answered.
struct IdempotentResponse {
  std::string request_hash;  // opaque, at most 128 bytes (restock: hex SHA-256)
  int status = 0;
  std::string body;
};

class IdempotencyRepo {
 public:
  virtual ~IdempotencyRepo() = default;

  // The response stored for `key` of `merchant` whose expiry is later than `now`; nullopt
  // when there is none (never stored, or expired).
  virtual Result<std::optional<IdempotentResponse>> Find(model::MerchantId merchant,
                                                         std::string_view key, UnixMicros now) = 0;

  // Stores `response` for `key` of `merchant` until `expires`, overwriting an entry that
  // expired at or before `now`. AlreadyExists when the key has an unexpired entry (one
  // another transaction committed meanwhile: PostgreSQL waits for a concurrent insert of the
  // same key to end first). `key` is 1 to 255 bytes.
  virtual Status Store(model::MerchantId merchant, std::string_view key,
                       const IdempotentResponse& response, UnixMicros now, UnixMicros expires) = 0;

  // Deletes at most `limit` entries of any merchant whose expiry is at or before `now`.
  // Returns how many were deleted.
  virtual Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) = 0;
};

}  // namespace restock::store
