// restock::core — the few cryptographic and encoding primitives restock needs, on OpenSSL.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace restock {

// Returns the 32 raw bytes of HMAC-SHA256(key, message).
std::string HmacSha256(std::string_view key, std::string_view message);

// Returns the 32 raw bytes of SHA-256(data).
std::string Sha256(std::string_view data);

// Standard base64 alphabet, padded.
std::string Base64Encode(std::string_view bytes);
// Returns nullopt unless `text` is valid padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Lower-case hex.
std::string HexEncode(std::string_view bytes);

// Decodes %XX escapes. Returns nullopt on a malformed escape. '+' is kept as is,
// because it is a legal base64 character.
std::optional<std::string> PercentDecode(std::string_view text);

// True when a and b are equal; the time taken depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns `bytes` cryptographically random bytes encoded as URL-safe base64 without padding.
// Aborts if the system random source fails (a broken invariant, not an input error).
std::string RandomToken(std::size_t bytes);

}  // namespace restock
