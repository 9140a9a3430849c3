#include "cli/webhook_commands.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "accounts/provisioning.h"
#include "cli/command_line.h"
#include "core/target_policy.h"
#include "core/time_format.h"
#include "json/webhook_json.h"
#include "webhooks/endpoints.h"

namespace restock::cli {

Status WebhookAdd(Context& ctx, const std::string& merchant, const std::string& url,
                  const std::string& events, const std::optional<std::string>& secret,
                  const std::string& allowed_targets) {
  RESTOCK_ASSIGN_OR_RETURN(auto allowed, core::ParseCidrList(allowed_targets));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  RESTOCK_ASSIGN_OR_RETURN(auto types, webhooks::ParseEventTypeList(events));
  webhooks::EndpointService service(ctx.db, ctx.clock, core::TargetPolicy(std::move(allowed)));
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.Add(m.id, url, types, secret));
  ctx.out << boost::json::serialize(boost::json::object{{"id", e.id}, {"secret", e.secret}})
          << '\n';
  return Status::Ok();
}

Status WebhookRemove(Context& ctx, const std::string& merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_RETURN_IF_ERROR(service.Remove(m.id, id));
  ctx.out << boost::json::serialize(boost::json::object{{"id", id}, {"deleted", true}}) << '\n';
  return Status::Ok();
}

Status WebhookList(Context& ctx, const std::string& merchant) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_ASSIGN_OR_RETURN(auto endpoints, service.List(m.id));
  boost::json::array out;
  for (const auto& e : endpoints)
    out.push_back(json::WebhookEndpointToJson(e, ctx.clock.NowMicros()));
  ctx.out << boost::json::serialize(out) << '\n';
  return Status::Ok();
}

Status WebhookRotate(Context& ctx, const std::string& merchant, std::int64_t id,
                     const std::optional<std::string>& secret) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.Rotate(m.id, id, secret));
  ctx.out << boost::json::serialize(boost::json::object{
                 {"id", e.id},
                 {"secret", e.secret},
                 {"previous_secret_expires", FormatIsoUtc(e.previous_secret_expires)}})
          << '\n';
  return Status::Ok();
}

Status WebhookSetEnabled(Context& ctx, const std::string& merchant, std::int64_t id, bool enabled) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.SetEnabled(m.id, id, enabled));
  ctx.out << boost::json::serialize(json::WebhookEndpointToJson(e, ctx.clock.NowMicros())) << '\n';
  return Status::Ok();
}

Status WebhookReplay(Context& ctx, const std::string& merchant, std::int64_t id,
                     const std::optional<std::int64_t>& delivery,
                     const std::optional<std::string>& since) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  webhooks::ReplayRequest request;
  request.delivery_id = delivery;
  if (since) {
    RESTOCK_ASSIGN_OR_RETURN(UnixMicros t, webhooks::ParseTimestamp(*since));
    request.since = t;
  }
  if (request.delivery_id.has_value() == request.since.has_value()) {
    return InvalidArgumentError("webhook replay needs exactly one of --delivery or --since");
  }
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_ASSIGN_OR_RETURN(std::size_t n, service.Replay(m.id, id, request));
  ctx.out << boost::json::serialize(boost::json::object{{"enqueued", n}}) << '\n';
  return Status::Ok();
}

Status WebhookDeliveries(Context& ctx, const std::string& merchant, std::int64_t id,
                         std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant m, accounts::FindMerchant(ctx.db, merchant));
  if (limit < 1 || limit > 10'000) return InvalidArgumentError("--limit must be 1 to 10000");
  webhooks::EndpointService service(ctx.db, ctx.clock);
  RESTOCK_ASSIGN_OR_RETURN(auto attempts, service.Attempts(m.id, id, std::nullopt, limit));
  boost::json::array out;
  for (const auto& a : attempts) out.push_back(json::DeliveryAttemptToJson(a));
  ctx.out << boost::json::serialize(out) << '\n';
  return Status::Ok();
}

}  // namespace restock::cli

// ------------------------------------------------------------------ registration

namespace restock::cli {
namespace {

class WebhookCommands : public DatabaseCommandGroup {
 public:
  explicit WebhookCommands(CLI::App& app)
      : group_(app.add_subcommand("webhook", "webhook endpoints")->require_subcommand(1)),
        add_(group_, "add", "subscribe an endpoint; prints {\"id\",\"secret\"}"),
        list_(group_, "list", "print the merchant's endpoints"),
        rotate_(group_, "rotate", "new signing secret; the old one signs 24 h more"),
        disable_(group_, "disable", "stop deliveries to an endpoint"),
        enable_(group_, "enable", "resume deliveries to an endpoint"),
        replay_(group_, "replay", "send a delivery, or every event since a time, again"),
        deliveries_(group_, "deliveries", "print the delivery log, newest first"),
        remove_(group_, "remove", "delete an endpoint with its deliveries and log") {
    for (const Command* c : Commands()) {
      (*c)->add_option("--merchant", merchant_, "merchant public id")->required();
      if (c != &add_ && c != &list_) {
        (*c)->add_option("--id", id_, "webhook endpoint id (as printed by webhook add)")
            ->required();
      }
    }
    add_->add_option("--url", url_, "receiver URL (http:// or https://)")->required();
    add_->add_option("--events", events_, "event types, comma-separated")->required();
    add_->add_option("--secret", secret_, "signing secret (generated when absent)");
    AddSetting(add_.app(), "--allow-private-targets", allow_private_targets_,
               "CIDRs (comma-separated) the URL may name although loopback, link-local or "
               "private");
    rotate_->add_option("--secret", secret_, "the new secret (generated when absent)");
    replay_->add_option("--delivery", delivery_, "delivery id (see webhook deliveries)");
    replay_->add_option("--since", since_, "YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DD or Unix seconds");
    deliveries_->add_option("--limit", limit_, "most attempts printed")->capture_default_str();
  }

 protected:
  std::vector<const Command*> Commands() const override {
    return {&add_, &list_, &rotate_, &disable_, &enable_, &replay_, &deliveries_, &remove_};
  }

  Status RunOn(Context& ctx, const Command* c) const override {
    if (c == &add_) {
      return WebhookAdd(ctx, merchant_, url_, events_, secret_, allow_private_targets_);
    }
    if (c == &list_) return WebhookList(ctx, merchant_);
    if (c == &rotate_) return WebhookRotate(ctx, merchant_, id_, secret_);
    if (c == &disable_) return WebhookSetEnabled(ctx, merchant_, id_, false);
    if (c == &enable_) return WebhookSetEnabled(ctx, merchant_, id_, true);
    if (c == &remove_) return WebhookRemove(ctx, merchant_, id_);
    if (c == &replay_) return WebhookReplay(ctx, merchant_, id_, delivery_, since_);
    return WebhookDeliveries(ctx, merchant_, id_, limit_);
  }

  CLI::App* group_;
  Command add_, list_, rotate_, disable_, enable_, replay_, deliveries_, remove_;
  std::string merchant_, url_, events_;
  std::optional<std::string> secret_, since_;
  std::string allow_private_targets_;
  std::int64_t id_ = 0;
  std::optional<std::int64_t> delivery_;
  std::size_t limit_ = 100;
};

}  // namespace

std::unique_ptr<CommandGroup> RegisterWebhookCommands(CLI::App& app) {
  return std::make_unique<WebhookCommands>(app);
}

}  // namespace restock::cli
