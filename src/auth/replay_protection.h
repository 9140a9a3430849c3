// restock::auth — strict replay protection (docs/security.md), opt-in per merchant.
//
// Ordergroove's signature covers only `sig_field|ts`, so a captured authorization header can
// be replayed with any body while its ts is in the window. A merchant in strict mode also
// requires, on every HMAC-signed request, the header
//   X-Restock-Signature: ts=T,sig=HEX
// where T equals the authorization header's ts and HEX is the lower- or upper-case hex of
// HMAC-SHA256(key = the same secret as the authorization signature, message = T "." raw body)
// (the webhook-style signature of docs/webhooks.md). Each (ts, body signature) is accepted once:
// the ReplayGuard remembers it until the ts leaves the window.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "model/ids.h"

namespace restock::auth {

struct BodySignature {
  std::int64_t ts = 0;
  std::string sig_hex;  // lower-case, 64 characters
};

// Parses "ts=T,sig=HEX" (spaces around items allowed; T decimal digits without sign, at most
// 18; HEX exactly 64 hex digits, either case). InvalidArgument otherwise.
Result<BodySignature> ParseBodySignatureHeader(std::string_view value);

// Lower-case hex of HMAC-SHA256(secret, decimal ts + "." + body).
std::string ComputeBodySignature(std::string_view secret, std::int64_t ts, std::string_view body);

// Remembers which signed requests a merchant has accepted. Implementations are thread-safe.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // Returns true the first time (merchant, digest) is seen before `expires`, false for a
  // repeat; the error of the underlying store when it fails.
  virtual Result<bool> FirstUse(model::MerchantId merchant, std::string_view digest,
                                UnixMicros expires) = 0;
};

}  // namespace restock::auth
