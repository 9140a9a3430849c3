#include "cli/webhook_commands.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "accounts/provisioning.h"
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
