// restock::cli — the subcommands of README.md "Commands" as functions: each parses nothing
// (app/ owns the command line), calls one service and prints JSON on `out`. Errors come back
// as Status; app/ prints them as one line on stderr with the exit code from ExitCodeFor.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "accounts/provisioning.h"
#include "core/clock.h"
#include "core/status.h"
#include "handoff/sender.h"
#include "handoff/targets.h"
#include "placement/policy.h"
#include "store/database.h"

namespace restock::cli {

// What every command needs. Does not own anything.
struct Context {
  store::Database& db;
  const Clock& clock;
  std::ostream& out;
  // Where long commands draw a progress bar; null for none (stderr is not a terminal).
  std::ostream* progress = nullptr;
};

// 0 ok, 1 internal, 2 invalid argument, 3 not found, 4 already exists,
// 5 failed precondition, 6 unauthenticated / permission denied, 7 resource exhausted,
// 8 unavailable / aborted (retry).
int ExitCodeFor(StatusCode code);

// Flags of `merchant add` as typed on the command line.
struct MerchantAddArgs {
  std::string public_id, name;
  std::optional<std::string> hash_key;  // generated when absent
  std::string timezone = "UTC";
  std::string oos_policy = "split";      // split|hold|skip|place_anyway
  std::string placement_time = "06:00";  // HH:MM, the merchant's local time
  std::string replay_protection = "off";  // off|strict
};
// Prints {"public_id":…,"hash_key":…}. InvalidArgument names the flag that is wrong.
Status MerchantAdd(Context& ctx, const MerchantAddArgs& args);
// {"username":…,"secret":…}
Status ApiUserAdd(Context& ctx, const std::string& merchant, const std::string& username,
                  const std::optional<std::string>& secret);
// {"key":…} — the only time the key is shown.
Status ApiKeyAdd(Context& ctx, const std::string& merchant, const std::string& name);

// Fields of `product add` as typed on the command line; nullopt = not given.
struct ProductAddArgs {
  std::string merchant;
  std::string product_id;
  std::optional<std::string> sku, name, price, live, inventory;
};
// Upserts one product (stock events with source cli) and prints it.
Status ProductAdd(Context& ctx, const ProductAddArgs& args);
// Prints the product; NotFound when the merchant has no such product.
Status ProductGet(Context& ctx, const std::string& merchant, const std::string& product_id);
// Prints {"created","updated","unchanged","rejected":[{"line"[,"element"],"errors"}]}
// ("element": the <product> number, XML feeds only), with a progress bar on ctx.progress.
Status ProductImport(Context& ctx, const std::string& merchant, const std::string& path);

// `subscription add`: prints {"subscription_id","order_id","place_date"}.
struct SubscriptionAddArgs {
  std::string merchant, customer, product;
  std::int64_t quantity = 1;
  int every = 1;
  std::string period, start;
};
Status SubscriptionAdd(Context& ctx, const SubscriptionAddArgs& args);

// `orders list`: prints a JSON array of orders, oldest first; nothing when it fails.
Status OrdersList(Context& ctx, const std::string& merchant, const std::optional<std::string>& status,
                  const std::optional<std::string>& date);

// `orders events`: prints the order's history, a JSON array of its events, oldest first
// (docs/placement.md, "Order history"). NotFound for another merchant's order.
Status OrdersEvents(Context& ctx, const std::string& merchant, std::int64_t order_id);

// Flags of `place-orders` that shape the run (see placement::FlowOptions).
struct PlacementSettings {
  std::size_t chunk_size = placement::FlowOptions{}.chunk_size;  // orders per transaction
  int oos_max_days = 30;
  std::string oos_notice_days = "1,15,30";
  // Allows a --date more than one day after a merchant's local today (placement::CheckRunDate).
  bool force = false;
  bool verbose = false;  // progress and a summary per merchant on stderr
  std::string allowed_targets;  // CIDRs placement targets may reach although private
};

// Hands `merchant`'s due orders to its placement target, if it has one, for the run on `day`
// (docs/handoff.md); nothing without a target (cli/handoff_commands.cc).
Result<handoff::HandoffSummary> HandOff(Context& ctx, const model::Merchant& merchant,
                                        CivilDate day, const placement::FlowOptions& flow,
                                        const std::string& allowed_targets);

// `place-orders`: runs placement now for one merchant or all, on `date` or each
// merchant's local today; prints {"placed","out_of_stock","cancelled",…} summed over merchants.
Status PlaceOrders(Context& ctx, const std::optional<std::string>& merchant,
                   const std::optional<std::string>& date, const PlacementSettings& settings);

// Flags of `merchant update`; nullopt / empty = unchanged.
struct MerchantUpdateArgs {
  std::string merchant;
  std::optional<std::string> replay_protection;  // strict|off
  handoff::TargetChange target;                  // --placement-* (docs/handoff.md)
  std::string allowed_targets;  // CIDRs a --placement-url may name although private
  accounts::HeldStockChange held;  // --reservation-days, --oos-warn-days
};
// `merchant update`: changes what the flags give (at least one; InvalidArgument otherwise,
// and for a refused value, with nothing changed) and prints {"public_id",
// "replay_protection","placement_target","reservation_days","oos_warn_days"}
// (cli/handoff_commands.cc).
Status MerchantUpdate(Context& ctx, const MerchantUpdateArgs& args);

// `sign`'s flags.
struct SignArgs {
  std::string public_id, sig_field, secret;
  std::optional<std::int64_t> ts;         // now when absent
  std::optional<std::string> body_path;   // "-" = stdin
};
// Without a body: prints a ready `authorization` header value, signed for ts. With one (strict
// replay protection, docs/security.md): prints two header lines, `authorization: VALUE` and
// `X-Restock-Signature: ts=T,sig=HEX` over the body file's exact bytes, with the same ts and
// secret (ready for `curl -H @FILE`). NotFound when the body file cannot be opened.
Status Sign(std::ostream& out, const Clock& clock, const SignArgs& args);

}  // namespace restock::cli
