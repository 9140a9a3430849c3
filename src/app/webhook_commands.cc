#include "app/webhook_commands.h"

#include "cli/webhook_commands.h"

namespace restock::app {

void WebhookCommands::Register(CLI::App& app) {
  CLI::App* group = app.add_subcommand("webhook", "webhook endpoints")->require_subcommand(1);
  auto merchant = [this](CLI::App* c) {
    c->add_option("--merchant", merchant_, "merchant public id")->required();
  };
  auto id = [this](CLI::App* c) {
    c->add_option("--id", id_, "webhook endpoint id (as printed by webhook add)")->required();
  };
  add_ = group->add_subcommand("add", "subscribe an endpoint; prints {\"id\",\"secret\"}");
  merchant(add_);
  add_->add_option("--url", url_, "receiver URL (http:// or https://)")->required();
  add_->add_option("--events", events_, "event types, comma-separated")->required();
  add_->add_option("--secret", secret_, "signing secret (generated when absent)");
  add_->add_option("--allow-private-targets", allow_private_targets_,
                   "CIDRs (comma-separated) the URL may name although loopback, link-local or "
                   "private")
      ->envname("RESTOCK_ALLOW_PRIVATE_TARGETS");

  list_ = group->add_subcommand("list", "print the merchant's endpoints");
  merchant(list_);

  rotate_ = group->add_subcommand("rotate", "new signing secret; the old one signs 24 h more");
  merchant(rotate_);
  id(rotate_);
  rotate_->add_option("--secret", secret_, "the new secret (generated when absent)");

  disable_ = group->add_subcommand("disable", "stop deliveries to an endpoint");
  merchant(disable_);
  id(disable_);
  enable_ = group->add_subcommand("enable", "resume deliveries to an endpoint");
  merchant(enable_);
  id(enable_);

  replay_ = group->add_subcommand("replay", "send a delivery, or every event since a time, again");
  merchant(replay_);
  id(replay_);
  replay_->add_option("--delivery", delivery_, "delivery id (see webhook deliveries)");
  replay_->add_option("--since", since_, "YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or Unix seconds");

  deliveries_ = group->add_subcommand("deliveries", "print the delivery log, newest first");
  merchant(deliveries_);
  id(deliveries_);
  deliveries_->add_option("--limit", limit_, "most attempts printed")->capture_default_str();

  remove_ = group->add_subcommand("remove", "delete an endpoint with its deliveries and log");
  merchant(remove_);
  id(remove_);
}

bool WebhookCommands::chosen() const {
  for (CLI::App* c : {add_, list_, rotate_, disable_, enable_, replay_, deliveries_, remove_}) {
    if (c && c->parsed()) return true;
  }
  return false;
}

Status WebhookCommands::Run(cli::Context& ctx) const {
  if (add_->parsed()) {
    return cli::WebhookAdd(ctx, merchant_, url_, events_, secret_, allow_private_targets_);
  }
  if (list_->parsed()) return cli::WebhookList(ctx, merchant_);
  if (rotate_->parsed()) return cli::WebhookRotate(ctx, merchant_, id_, secret_);
  if (disable_->parsed()) return cli::WebhookSetEnabled(ctx, merchant_, id_, false);
  if (enable_->parsed()) return cli::WebhookSetEnabled(ctx, merchant_, id_, true);
  if (remove_->parsed()) return cli::WebhookRemove(ctx, merchant_, id_);
  if (replay_->parsed()) return cli::WebhookReplay(ctx, merchant_, id_, delivery_, since_);
  return cli::WebhookDeliveries(ctx, merchant_, id_, limit_);
}

}  // namespace restock::app
