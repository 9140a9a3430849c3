// restock::auth — parsing the `authorization` header of HMAC requests (docs/api.md
// "Authentication").
//
// The header is a flat JSON object:
//   {"public_id": PID, "ts": SECONDS, "sig_field": FIELD, "sig": SIG}
// Parsing is strict (RFC 8259 grammar, valid UTF-8) because the input is untrusted; it
// takes time linear in the input and never throws.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace restock::auth {

inline constexpr std::size_t kMaxAuthorizationHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxPublicIdBytes = 256;
inline constexpr std::size_t kMaxSigFieldBytes = 256;
inline constexpr std::size_t kMaxSigBytes = 512;
// A ts has at most this many decimal digits, so it always fits in int64 with room to spare.
inline constexpr std::size_t kMaxTsDigits = 18;

// What a signed request claims. Nothing in it is verified yet.
struct SignedClaim {
  std::string public_id;  // 1..256 bytes, UTF-8, no NUL
  std::int64_t ts = 0;    // >= 0
  std::string sig_field;  // 1..256 bytes, UTF-8, no NUL
  std::string sig;        // 1..512 bytes, percent-decoded when it contained '%'

  bool operator==(const SignedClaim&) const = default;
};

// Parses an `authorization` header value.
// Accepts: one JSON object, optionally surrounded by whitespace, holding each of the keys
// "public_id", "sig_field", "sig" (non-empty strings within the caps above, without U+0000)
// and "ts" (a JSON integer without sign, fraction or exponent, or a string of 1..18 ASCII
// digits; at most 18 digits either way). Other keys are ignored whatever their (well-formed)
// value. All JSON string escapes are decoded, including surrogate pairs.
// Returns Unauthenticated("Malformed authorization header.") for anything else: not JSON,
// not an object, a missing, repeated or mistyped known key, trailing bytes, invalid UTF-8,
// lone surrogates, raw control characters, a malformed %-escape in sig, or more than
// kMaxAuthorizationHeaderBytes of input.
Result<SignedClaim> ParseAuthorizationHeader(std::string_view header);

}  // namespace restock::auth
