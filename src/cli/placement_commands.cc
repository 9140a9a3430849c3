// The placement subcommands: subscription add, orders list|events, place-orders: what each
// does, then their registration on the command line.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "cli/command_line.h"
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
          "--status must be unsent, pending, placed, out_of_stock, cancelled or rejected");
    }
  }
  if (date) {
    RESTOCK_ASSIGN_OR_RETURN(CivilDate d, ParseDateArg("--date", *date));
    filter.place_date = d;
  }
  // Read page by page, rendered as it goes (the orders are not kept), and printed only once
  // every page was read: a listing that fails half-way prints nothing on stdout.
  std::string text = "[";
  store::OrderPage page;
  page.limit = 100;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders,
                             placement::ListOrders(ctx.db, m.id, filter, page));
    for (const auto& o : orders) {
      if (text.size() > 1) text += ',';
      text += boost::json::serialize(json::OrderToJson(o));
    }
    if (orders.size() < page.limit) break;
    page.after_id = orders.back().id;
  }
  ctx.out << text << "]\n";
  return Status::Ok();
}

Status OrdersEvents(Context& ctx, const std::string& merchant, std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::OrderEvent> events,
                           placement::ListOrderEvents(ctx.db, m.id, order_id));
  boost::json::array out;
  for (const model::OrderEvent& e : events) out.push_back(json::OrderEventToJson(e));
  ctx.out << boost::json::serialize(out) << '\n';
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
  // Each merchant's day, every one checked before any run starts.
  std::vector<CivilDate> days;
  for (const model::Merchant& m : merchants) {
    RESTOCK_ASSIGN_OR_RETURN(CivilDate today, zones.LocalDate(m, ctx.clock.NowMicros()));
    if (fixed_date) {
      Status allowed = placement::CheckRunDate(*fixed_date, today, settings.force);
      if (!allowed.ok()) {
        return Status(allowed.code(), "merchant " + m.public_id + ": " + allowed.message());
      }
    }
    days.push_back(fixed_date.value_or(today));
  }
  placement::PlacementSummary total;
  handoff::HandoffSummary handed;
  for (std::size_t i = 0; i < merchants.size(); ++i) {
    const model::Merchant& m = merchants[i];
    const CivilDate day = days[i];
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
    // The run's orders go to the merchant's platform before the command exits.
    RESTOCK_ASSIGN_OR_RETURN(handoff::HandoffSummary h,
                             HandOff(ctx, m, day, options, settings.allowed_targets));
    handed += h;
  }
  ctx.out << boost::json::serialize(
                 boost::json::object{{"merchants", merchants.size()},
                                     {"considered", total.considered},
                                     {"placed", total.placed + handed.placed},
                                     {"handed_off", handed.sent},
                                     {"pending", handed.pending},
                                     {"rejected", handed.rejected},
                                     {"out_of_stock", total.out_of_stock + handed.out_of_stock},
                                     {"still_out_of_stock", total.still_out_of_stock},
                                     {"cancelled", total.cancelled},
                                     {"split", total.split},
                                     {"skipped_items", total.skipped_items},
                                     {"next_orders", total.next_orders},
                                     {"skipped_cycles", total.skipped_cycles},
                                     {"schedules_ended", total.schedules_ended},
                                     {"oversold_units", total.oversold_units},
                                     {"unreadable_orders", total.unreadable_orders},
                                     {"oos_predicted", total.oos_predicted}})
          << '\n';
  return Status::Ok();
}

}  // namespace restock::cli

// ------------------------------------------------------------------ registration

namespace restock::cli {
namespace {

class PlacementCommands : public DatabaseCommandGroup {
 public:
  explicit PlacementCommands(CLI::App& app)
      : subscription_add_(
            app.add_subcommand("subscription", "subscriptions")->require_subcommand(1), "add",
            "create a subscription"),
        orders_list_(app.add_subcommand("orders", "orders")->require_subcommand(1), "list",
                     "print orders as a JSON array"),
        orders_events_(orders_list_->get_parent(), "events",
                       "print an order's history as a JSON array"),
        place_orders_(&app, "place-orders", "run the placement task now") {
    SubscriptionAddArgs& s = subscription_;
    subscription_add_->add_option("--merchant", s.merchant, "merchant public id")->required();
    subscription_add_->add_option("--customer", s.customer, "customer id")->required();
    subscription_add_->add_option("--product", s.product, "external product id")->required();
    subscription_add_->add_option("--quantity", s.quantity, "units per order")->required();
    subscription_add_->add_option("--every", s.every, "frequency count")->required();
    subscription_add_->add_option("--period", s.period, "day|week|month")->required();
    subscription_add_->add_option("--start", s.start, "first place date YYYY-MM-DD")->required();

    orders_list_->add_option("--merchant", merchant_, "merchant public id")->required();
    orders_list_->add_option("--status", status_,
                             "unsent|pending|placed|out_of_stock|cancelled|rejected");
    orders_list_->add_option("--date", date_, "place date YYYY-MM-DD");

    orders_events_->add_option("--merchant", merchant_, "merchant public id")->required();
    orders_events_->add_option("--order", order_id_, "order id")->required();

    place_orders_->add_option("--merchant", merchant_filter_, "one merchant (default: all)");
    place_orders_->add_option("--date", date_, "placement day (default: each merchant's today)");
    place_orders_->add_option("--chunk-size", placement_.chunk_size, "orders per transaction")
        ->capture_default_str();
    AddFlowFlags(place_orders_.app(), placement_.oos_max_days, placement_.oos_notice_days);
    AddSetting(place_orders_.app(), "--allow-private-targets", placement_.allowed_targets,
               "CIDRs (comma-separated) placement targets may reach although private");
    place_orders_->add_flag("--force", placement_.force,
                            "allow a --date more than one day after the merchant's today");
    place_orders_->add_flag("--verbose", placement_.verbose,
                            "progress and a summary per merchant on stderr (default: errors only)");
  }

 protected:
  std::vector<const Command*> Commands() const override {
    return {&subscription_add_, &orders_list_, &orders_events_, &place_orders_};
  }

  Status RunOn(Context& ctx, const Command* c) const override {
    if (c == &subscription_add_) return SubscriptionAdd(ctx, subscription_);
    if (c == &orders_list_) return OrdersList(ctx, merchant_, status_, date_);
    if (c == &orders_events_) return OrdersEvents(ctx, merchant_, order_id_);
    return PlaceOrders(ctx, merchant_filter_, date_, placement_);
  }

 private:
  Command subscription_add_;
  Command orders_list_;
  Command orders_events_;
  Command place_orders_;
  SubscriptionAddArgs subscription_;
  std::string merchant_;
  std::optional<std::string> status_, date_, merchant_filter_;
  PlacementSettings placement_;
  std::int64_t order_id_ = 0;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterPlacementCommands(CLI::App& app) {
  return std::make_unique<PlacementCommands>(app);
}

}  // namespace restock::cli
