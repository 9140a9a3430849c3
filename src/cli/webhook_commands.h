// restock::cli — the `webhook` subcommands (`webhook add`; docs/webhooks.md). Each
// resolves the merchant, calls webhooks::EndpointService once and prints JSON on ctx.out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/commands.h"

namespace restock::cli {

// `webhook add`: prints {"id":…,"secret":…}. `events` is "TYPE[,TYPE…]"; `allowed_targets`
// "CIDR[,CIDR…]" (core::ParseCidrList) the URL may name although private.
Status WebhookAdd(Context& ctx, const std::string& merchant, const std::string& url,
                  const std::string& events, const std::optional<std::string>& secret,
                  const std::string& allowed_targets);
// `webhook list`: prints a JSON array of endpoints (without secrets).
Status WebhookList(Context& ctx, const std::string& merchant);
// `webhook rotate`: prints {"id","secret","previous_secret_expires"}.
Status WebhookRotate(Context& ctx, const std::string& merchant, std::int64_t id,
                     const std::optional<std::string>& secret);
// `webhook remove`: deletes the endpoint, its deliveries and log; prints {"id","deleted":true}.
Status WebhookRemove(Context& ctx, const std::string& merchant, std::int64_t id);
// `webhook disable` / `webhook enable`: prints the endpoint.
Status WebhookSetEnabled(Context& ctx, const std::string& merchant, std::int64_t id, bool enabled);
// `webhook replay`: exactly one of delivery / since; prints {"enqueued": N}.
Status WebhookReplay(Context& ctx, const std::string& merchant, std::int64_t id,
                     const std::optional<std::int64_t>& delivery,
                     const std::optional<std::string>& since);
// `webhook deliveries`: prints the endpoint's attempts, newest first, at most `limit`.
Status WebhookDeliveries(Context& ctx, const std::string& merchant, std::int64_t id,
                         std::size_t limit);

}  // namespace restock::cli
