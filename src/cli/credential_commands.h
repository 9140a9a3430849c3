// restock::cli — credentials over their lifetime (docs/security.md, "Rotating credentials"):
//   api-key list|revoke, api-user list|remove|rotate, merchant rotate-hash-key.
// Each function resolves the merchant, calls accounts/credentials.h once and prints JSON on
// ctx.out; cli/command_line.h's RegisterCredentialCommands puts them on the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "accounts/credentials.h"
#include "cli/commands.h"

namespace restock::cli {

// `api-key list`: [{"id","name","created","last_used"}] by id; never the key.
Status ApiKeyList(Context& ctx, const std::string& merchant);
// `api-key revoke`: {"id","revoked":true}.
Status ApiKeyRevoke(Context& ctx, const std::string& merchant, std::int64_t id);
// `api-user list`: [{"username","created"}] by username; never a secret.
Status ApiUserList(Context& ctx, const std::string& merchant);
// `api-user remove`: {"username","removed":true}.
Status ApiUserRemove(Context& ctx, const std::string& merchant, const std::string& username);
// `api-user rotate`: {"username","secret"}; the old secret works for `overlap_hours` more.
Status ApiUserRotate(Context& ctx, const std::string& merchant, const std::string& username,
                     const std::optional<std::string>& secret, double overlap_hours);
// `merchant rotate-hash-key`: {"public_id","hash_key"}; the old key works `overlap_hours` more.
Status MerchantRotateHashKey(Context& ctx, const std::string& merchant, double overlap_hours);

}  // namespace restock::cli
