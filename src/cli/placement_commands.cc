// The placement subcommands (SPEC §1): subscription add, orders list, place-orders.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "json/model_json.h"
#include "placement/local_time.h"
#include "placement/placement_service.h"
#include "placement/subscriptions.h"

namespace restock::cli {
namespace {

Result<CivilDate> ParseDateArg(std::string_view flag, const std::string& text) {
  auto date = ParseDate(text);
  if (!date) return InvalidArgumentError(std::string(flag) + " must be a date YYYY-MM-DD");
  return *date;
}

}  // namespace

Status SubscriptionAdd(Context& ctx, const SubscriptionAddArgs& args) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, args.merchant));
  auto period = model::ParsePeriod(args.period);
  if (!period) return InvalidArgumentError("--period must be day, week or month");
  RESTOCK_ASSIGN_OR_RETURN(CivilDate start, ParseDateArg("--start", args.start));
  placement::NewSubscription request{args.customer, args.product, args.quantity,
                                     {args.every, *period}, start};
  RESTOCK_ASSIGN_OR_RETURN(placement::CreatedSubscription created,
                           placement::CreateSubscription(ctx.db, ctx.clock, m.id, request));
  ctx.out << boost::json::serialize(boost::json::object{
                 {"subscription_id", created.subscription_id},
                 {"order_id", created.order_id},
                 {"place_date", FormatDate(created.place_date)}})
          << '\n';
  return Status::Ok();
}

Status OrdersList(Context& ctx, const std::string& merchant, const std::optional<std::string>& status,
                  const std::optional<std::string>& date) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  store::OrderFilter filter;
  if (status) {
    filter.status = model::ParseOrderStatus(*status);
    if (!filter.status) {
      return InvalidArgumentError(
          "--status must be unsent, placed, out_of_stock, cancelled or rejected");
    }
  }
  if (date) {
    RESTOCK_ASSIGN_OR_RETURN(CivilDate d, ParseDateArg("--date", *date));
    filter.place_date = d;
  }
  // Streams page by page so a large listing does not sit in memory twice.
  ctx.out << '[';
  store::OrderPage page;
  page.limit = 100;
  bool first = true;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders,
                             placement::ListOrders(ctx.db, m.id, filter, page));
    for (const auto& o : orders) {
      if (!first) ctx.out << ',';
      first = false;
      ctx.out << boost::json::serialize(json::OrderToJson(o));
    }
    if (orders.size() < page.limit) break;
    page.after_id = orders.back().id;
  }
  ctx.out << "]\n";
  return Status::Ok();
}

Status PlaceOrders(Context& ctx, const std::optional<std::string>& merchant,
                   const std::optional<std::string>& date, const PlacementSettings& settings) {
  if (settings.chunk_size < 1 || settings.chunk_size > 100'000) {
    return InvalidArgumentError("--chunk-size must be 1 to 100000");
  }
  RESTOCK_ASSIGN_OR_RETURN(
      placement::FlowOptions options,
      placement::MakeFlowOptions(settings.oos_max_days, settings.oos_notice_days));
  options.chunk_size = settings.chunk_size;
  std::optional<CivilDate> fixed_date;
  if (date) {
    RESTOCK_ASSIGN_OR_RETURN(CivilDate d, ParseDateArg("--date", *date));
    fixed_date = d;
  }
  std::vector<model::Merchant> merchants;
  if (merchant) {
    RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, *merchant));
    merchants.push_back(std::move(m));
  } else {
    RESTOCK_RETURN_IF_ERROR(ctx.db.RunReadOnly([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(merchants, tx.merchants().ListAll());
      return Status::Ok();
    }));
  }
  placement::PlacementService service(ctx.db, ctx.clock, options);
  placement::ZoneCache zones;
  placement::PlacementSummary total;
  for (const model::Merchant& m : merchants) {
    CivilDate day;
    if (fixed_date) {
      day = *fixed_date;
    } else {
      RESTOCK_ASSIGN_OR_RETURN(day, zones.LocalDate(m, ctx.clock.NowMicros()));
    }
    RESTOCK_ASSIGN_OR_RETURN(
        placement::PlacementSummary s,
        service.Run(m, day, [&](const placement::PlacementSummary& so_far) {
          // Quiet unless asked: stderr carries errors only (README, "Commands").
          if (settings.verbose && so_far.considered % 100'000 < service.options().chunk_size) {
            spdlog::info("placement for {} on {}: {} orders so far", m.public_id, FormatDate(day),
                         so_far.considered);
          }
        }));
    if (settings.verbose) {
      spdlog::info("placement for {} on {}: {} placed, {} out of stock, {} cancelled",
                   m.public_id, FormatDate(day), s.placed, s.out_of_stock, s.cancelled);
    }
    total += s;
  }
  ctx.out << boost::json::serialize(boost::json::object{
                 {"merchants", merchants.size()},
                 {"considered", total.considered},
                 {"placed", total.placed},
                 {"out_of_stock", total.out_of_stock},
                 {"still_out_of_stock", total.still_out_of_stock},
                 {"cancelled", total.cancelled},
                 {"split", total.split},
                 {"skipped_items", total.skipped_items},
                 {"next_orders", total.next_orders}})
          << '\n';
  return Status::Ok();
}

}  // namespace restock::cli
