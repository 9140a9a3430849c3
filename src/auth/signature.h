// restock::auth — HMAC request signatures (docs/api.md "Authentication"), on plain strings.
//
// A signature is base64 (standard alphabet, padded) of
// HMAC-SHA256(key = secret, message = sig_field + "|" + decimal ts). The same function
// serves both scopes: API user (secret = the user's secret, sig_field = username) and
// customer (secret = the merchant's hash key, sig_field = customer id).
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace restock::auth {

// Returns base64(HMAC-SHA256(secret, sig_field + "|" + ts)), ts written in decimal
// without leading zeros (a negative ts keeps its '-').
std::string ComputeSignature(std::string_view secret, std::string_view sig_field, std::int64_t ts);

// Returns a ready `authorization` header value:
//   {"public_id":"PID","ts":T,"sig_field":"F","sig":"SIG"}
// with SIG = ComputeSignature(secret, sig_field, ts). Strings are JSON-escaped and the
// output is pure ASCII (non-ASCII characters as \uXXXX), so it is a safe header value.
// REQUIRES: public_id and sig_field are valid UTF-8 (an invalid byte is written as U+FFFD,
// and the header will then not verify), ts >= 0 (a negative ts is written but rejected by
// ParseAuthorizationHeader). The secret itself never appears in the output.
std::string SignedAuthorizationHeader(std::string_view public_id, std::string_view sig_field,
                                      std::string_view secret, std::int64_t ts);

}  // namespace restock::auth
