// `restock merchant …`, `restock api-user …`, `restock api-key …`: accounts and credentials.
#include "cli/command_line.h"

namespace restock::cli {
namespace {

class AccountCommands : public DatabaseCommandGroup {
 public:
  explicit AccountCommands(CLI::App& app)
      : merchant_(app.add_subcommand("merchant", "merchants")->require_subcommand(1)),
        api_user_(app.add_subcommand("api-user", "API users (HMAC)")->require_subcommand(1)),
        api_key_(app.add_subcommand("api-key", "application keys")->require_subcommand(1)),
        merchant_add_(merchant_, "add", "create a merchant"),
        merchant_update_(merchant_, "update", "change a merchant's settings"),
        api_user_add_(api_user_, "add", "create an API user"),
        api_key_add_(api_key_, "add", "create an x-api-key key") {
    AddMerchantFlags();
    api_user_add_->add_option("--merchant", merchant_id_, "merchant public id")->required();
    api_user_add_->add_option("--username", username_, "API username (the sig_field)")
        ->required();
    api_user_add_->add_option("--secret", secret_, "HMAC secret (generated if absent)");
    api_key_add_->add_option("--merchant", merchant_id_, "merchant public id")->required();
    api_key_add_->add_option("--name", key_name_, "a label for the key");
  }

 protected:
  std::vector<const Command*> Commands() const override {
    return {&merchant_add_, &merchant_update_, &api_user_add_, &api_key_add_};
  }

  Status RunOn(Context& ctx, const Command* c) const override {
    if (c == &merchant_add_) return MerchantAdd(ctx, merchant_args_);
    if (c == &merchant_update_) {
      MerchantUpdateArgs args = update_;
      args.merchant = merchant_id_;
      return MerchantUpdate(ctx, args);
    }
    if (c == &api_user_add_) return ApiUserAdd(ctx, merchant_id_, username_, secret_);
    return ApiKeyAdd(ctx, merchant_id_, key_name_);
  }

 private:
  void AddMerchantFlags() {
    MerchantAddArgs& m = merchant_args_;
    merchant_add_->add_option("--public-id", m.public_id, "merchant public id")->required();
    merchant_add_->add_option("--name", m.name, "display name");
    merchant_add_->add_option("--hash-key", m.hash_key, "customer-scope key (generated if absent)");
    merchant_add_->add_option("--timezone", m.timezone, "IANA time zone")->capture_default_str();
    merchant_add_->add_option("--oos-policy", m.oos_policy, "split|hold|skip|place_anyway")
        ->capture_default_str();
    merchant_add_->add_option("--placement-time", m.placement_time,
                              "local time of the daily placement run, HH:MM")
        ->capture_default_str();
    merchant_add_->add_option("--replay-protection", m.replay_protection,
                              "strict: signed requests must also sign their body, once (off|strict)")
        ->capture_default_str();
    AddMerchantUpdateFlags();
  }

  void AddMerchantUpdateFlags() {
    CLI::App* u = merchant_update_.app();
    handoff::TargetChange& t = update_.target;
    u->add_option("--public-id", merchant_id_, "merchant public id")->required();
    u->add_option("--replay-protection", update_.replay_protection, "off|strict");
    u->add_option("--placement-url", t.url,
                  "where placed orders are handed off (docs/handoff.md); '' removes it");
    u->add_option("--placement-format", t.format, "xml|json (default xml)");
    u->add_option("--placement-concurrency", t.concurrency, "requests in flight (default 4)");
    u->add_option("--placement-timeout-ms", t.timeout_ms, "per request (default 30000)");
    u->add_option("--placement-max-retries", t.max_retries,
                  "runs that retry a 999 or 140 answer (default 3)");
    u->add_option("--reservation-days", update_.held.reservation_days,
                  "unsent orders due up to N days after today hold stock (default 0; "
                  "docs/placement.md)");
    u->add_option("--oos-warn-days", update_.held.oos_warn_days,
                  "order.oos_predicted looks N days ahead (default 3; 0 = never)");
    AddSetting(u, "--allow-private-targets", update_.allowed_targets,
               "CIDRs (comma-separated) the URL may name although loopback, link-local or "
               "private");
  }

  CLI::App* merchant_;
  CLI::App* api_user_;
  CLI::App* api_key_;
  Command merchant_add_;
  Command merchant_update_;
  Command api_user_add_;
  Command api_key_add_;
  MerchantAddArgs merchant_args_;
  MerchantUpdateArgs update_;
  std::string merchant_id_, username_, key_name_;
  std::optional<std::string> secret_;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterAccountCommands(CLI::App& app) {
  return std::make_unique<AccountCommands>(app);
}

}  // namespace restock::cli
