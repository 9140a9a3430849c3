// The order hand-off's commands (docs/handoff.md): `merchant update` (its run), `customer
// set|get`, `orders finalize`, and the hand-off at the end of `place-orders` (HandOff).
#include <boost/json/serialize.hpp>
#include <deque>
#include <utility>

#include "accounts/provisioning.h"
#include "cli/command_line.h"
#include "handoff/contacts.h"
#include "handoff/finalize.h"
#include "json/model_json.h"
#include "placement/local_time.h"
#include "json/handoff_json.h"

namespace restock::cli {
namespace {

void Print(Context& ctx, const boost::json::value& v) {
  ctx.out << boost::json::serialize(v) << '\n';
}

}  // namespace

Status MerchantUpdate(Context& ctx, const MerchantUpdateArgs& args) {
  std::optional<model::ReplayProtection> mode;
  if (args.replay_protection) {
    mode = model::ParseReplayProtection(*args.replay_protection);
    if (!mode) return InvalidArgumentError("--replay-protection must be strict or off");
  }
  const bool held = args.held.reservation_days || args.held.oos_warn_days;
  if (!mode && args.target.empty() && !held) {
    return InvalidArgumentError(
        "nothing to change: give --replay-protection, --placement-*, --reservation-days or "
        "--oos-warn-days");
  }
  RESTOCK_RETURN_IF_ERROR(accounts::CheckHeldStockChange(args.held));
  RESTOCK_ASSIGN_OR_RETURN(auto allowed, core::ParseCidrList(args.allowed_targets));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, accounts::FindMerchant(ctx.db, args.merchant));
  // The target first: its values are the ones that may be refused, and then nothing changed.
  std::optional<model::PlacementTarget> target;
  if (!args.target.empty()) {
    RESTOCK_ASSIGN_OR_RETURN(target, handoff::UpdateTarget(ctx.db, merchant.id, args.target,
                                                           core::TargetPolicy(std::move(allowed))));
  } else {
    RESTOCK_RETURN_IF_ERROR(ctx.db.RunReadOnly([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(target, tx.handoff().FindTarget(merchant.id));
      return Status::Ok();
    }));
  }
  if (mode) {
    RESTOCK_ASSIGN_OR_RETURN(merchant, accounts::SetReplayProtection(ctx.db, args.merchant, *mode));
  }
  if (held) {
    RESTOCK_ASSIGN_OR_RETURN(merchant, accounts::SetHeldStock(ctx.db, args.merchant, args.held));
  }
  Print(ctx, boost::json::object{
                 {"public_id", merchant.public_id},
                 {"replay_protection", model::ReplayProtectionName(merchant.replay_protection)},
                 {"placement_target", json::PlacementTargetToJson(target)},
                 {"reservation_days", merchant.reservation_days},
                 {"oos_warn_days", merchant.oos_warn_days}});
  return Status::Ok();
}

Result<handoff::HandoffSummary> HandOff(Context& ctx, const model::Merchant& merchant,
                                        CivilDate day, const placement::FlowOptions& flow,
                                        const std::string& allowed_targets) {
  std::optional<model::PlacementTarget> target;
  RESTOCK_RETURN_IF_ERROR(ctx.db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(target, tx.handoff().FindTarget(merchant.id));
    return Status::Ok();
  }));
  if (!target) return handoff::HandoffSummary{};
  RESTOCK_ASSIGN_OR_RETURN(auto allowed, core::ParseCidrList(allowed_targets));
  handoff::Sender sender(ctx.db, ctx.clock, core::TargetPolicy(std::move(allowed)), flow,
                         nullptr);
  return sender.SendDue(merchant, *target, day);
}

namespace {

// `customer set|get` and `orders finalize` (the `orders` group is placement_commands.cc's,
// registered before this one).
class HandoffCommands : public DatabaseCommandGroup {
 public:
  explicit HandoffCommands(CLI::App& app)
      : group_(app.add_subcommand("customer", "customers' contact details")->require_subcommand(1)),
        set_(group_, "set", "set a customer's contact details for the order hand-off"),
        get_(group_, "get", "print a customer's contact details"),
        finalize_(app.get_subcommand("orders"), "finalize",
                  "finalize an order the merchant's platform answered PROCESSING") {
    for (const Command* c : Commands()) {
      (*c)->add_option("--merchant", merchant_, "merchant public id")->required();
      if (c != &finalize_) (*c)->add_option("--customer", customer_, "customer id")->required();
    }
    finalize_->add_option("--order", order_, "order id")->required();
    finalize_->add_option("--code", final_.code, "SUCCESS|ERROR")->required();
    finalize_->add_option("--order-id", final_.order_id, "the platform's order id (SUCCESS)");
    finalize_->add_option("--error-code", final_.error_code, "placement error code (ERROR)");
    finalize_->add_option("--error-message", final_.error_message, "the platform's message");
    for (const char* field : {"name", "email", "locale", "payment_token"}) {
      AddField(field, std::string("--") + Dashed(field), "");
    }
    for (const char* kind : {"shipping", "billing"}) {
      for (std::string_view name : model::kAddressFields) {
        AddField(std::string(kind) + "_address." + std::string(name),
                 "--" + std::string(kind) + "-" + Dashed(name), kind);
      }
    }
  }

 protected:
  std::vector<const Command*> Commands() const override { return {&set_, &get_, &finalize_}; }

  Status RunOn(Context& ctx, const Command* c) const override {
    RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant, accounts::FindMerchant(ctx.db, merchant_));
    if (c == &finalize_) return Finalize(ctx, merchant);
    model::CustomerContact contact;
    if (c == &get_) {
      RESTOCK_ASSIGN_OR_RETURN(contact, handoff::GetContact(ctx.db, merchant.id, customer_));
    } else {
      std::vector<handoff::ContactField> changes;
      for (const auto& [field, value] : values_) {
        if (value) changes.push_back({field, *value});
      }
      if (changes.empty()) return InvalidArgumentError("nothing to change: give a field flag");
      RESTOCK_ASSIGN_OR_RETURN(contact,
                               handoff::UpdateContact(ctx.db, merchant.id, customer_, changes));
    }
    Print(ctx, json::ContactToJson(contact));
    return Status::Ok();
  }

 private:
  Status Finalize(Context& ctx, const model::Merchant& merchant) const {
    RESTOCK_RETURN_IF_ERROR(handoff::ValidateFinalization(final_));
    placement::ZoneCache zones;
    RESTOCK_ASSIGN_OR_RETURN(CivilDate day, zones.LocalDate(merchant, ctx.clock.NowMicros()));
    RESTOCK_ASSIGN_OR_RETURN(
        model::Order order,
        handoff::FinalizePlacement(ctx.db, ctx.clock, merchant.id, order_, final_, day));
    Print(ctx, json::OrderToJson(order));
    return Status::Ok();
  }

  static std::string Dashed(std::string_view name) {
    std::string out(name);
    for (char& ch : out) ch = ch == '_' ? '-' : ch;
    return out;
  }

  void AddField(const std::string& field, const std::string& flag, std::string_view address) {
    auto& slot = values_.emplace_back(field, std::nullopt);
    std::string help = address.empty() ? "'' clears it" : std::string(address) + " address";
    set_->add_option(flag, slot.second, help);
  }

  CLI::App* group_;
  Command set_, get_, finalize_;
  std::string merchant_, customer_;
  std::int64_t order_ = 0;
  handoff::Finalization final_;
  // By field name (handoff::ContactField); a deque: CLI11 keeps the values' addresses.
  std::deque<std::pair<std::string, std::optional<std::string>>> values_;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterHandoffCommands(CLI::App& app) {
  return std::make_unique<HandoffCommands>(app);
}

}  // namespace restock::cli
