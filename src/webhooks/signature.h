// restock::webhooks — the OrderGroove-Signature header of a delivery (docs/webhooks.md
// "Signature"):
//   ts=T,sig=HEX[,sig=HEX]
// HEX = lowercase hex HMAC-SHA256(key = a secret of the endpoint, message = T + "." + body).
// During a key rotation the header carries the new secret's signature first, then the old
// one's, until the old secret expires. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "model/webhook.h"

namespace restock::webhooks {

inline constexpr std::string_view kSignatureHeader = "OrderGroove-Signature";

// The header value for `body` sent at `ts` (Unix seconds), signed with each of `secrets`
// in order. REQUIRES: secrets is not empty.
std::string SignatureHeaderValue(const std::vector<std::string>& secrets, std::int64_t ts,
                                 std::string_view body);

// The secrets that sign a delivery to `endpoint` at `now`: the current one, then the
// previous one while it has not expired (now < previous_secret_expires).
std::vector<std::string> SigningSecrets(const model::WebhookEndpoint& endpoint, UnixMicros now);

}  // namespace restock::webhooks
