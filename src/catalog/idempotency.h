// restock::catalog — batch writes that are safe to retry (docs/api.md, "Idempotent retries"):
// a request carrying an Idempotency-Key is applied once; its answer is stored in the same
// transaction as its changes, and a later request with that key within 24 hours gets the
// stored answer and applies nothing (or, if it is a different request, is refused).
// The adapters render answers; this module decides when one is applied, replayed or refused.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"

namespace restock::catalog {

// How long an answer is kept for its key.
inline constexpr UnixMicros kIdempotencyWindow = 24LL * 3600 * 1'000'000;

// A request's Idempotency-Key and what the request was.
struct IdempotencyKey {
  std::string key;  // REQUIRES: IsValidIdempotencyKey(key)
  // Identifies the request (restock: hex SHA-256 of its endpoint and body, at most 128
  // bytes): a later request with the same key must have the same hash to be replayed.
  std::string request_hash;
};

// True for 1 to 255 printable ASCII characters (0x20 to 0x7E).
bool IsValidIdempotencyKey(std::string_view key);

// The answer to a request, as the adapter rendered it.
struct Answer {
  int status = 0;
  std::string body;
};

struct KeyedAnswer {
  enum class Kind {
    kApplied,   // applied now; `answer` was stored with the changes
    kReplayed,  // the key's request was applied before: `answer` is its stored answer
    kMismatch,  // the key was used for a different request: nothing applied, `answer` empty
  };
  Kind kind = Kind::kApplied;
  Answer answer;
};

}  // namespace restock::catalog
