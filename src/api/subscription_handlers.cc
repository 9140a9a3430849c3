#include "api/subscription_handlers.h"

#include "json/model_json.h"
#include "placement/subscriptions.h"

namespace restock::api {
namespace {

constexpr std::string_view kSubscriptionPath = "/subscriptions/{id}/";

// Reads "every" and "period" when either is present; both are then required.
Result<std::optional<model::Frequency>> ReadFrequency(const boost::json::object& body) {
  RESTOCK_ASSIGN_OR_RETURN(auto every, IntField(body, "every"));
  RESTOCK_ASSIGN_OR_RETURN(auto period, StringField(body, "period"));
  if (!every && !period) return std::optional<model::Frequency>();
  if (!every || !period) return InvalidArgumentError("every and period go together.");
  auto parsed = model::ParsePeriod(*period);
  if (!parsed) return InvalidArgumentError("period must be day, week or month.");
  if (*every < 1 || *every > 730) return InvalidArgumentError("every is out of range.");
  return std::optional<model::Frequency>(model::Frequency{static_cast<int>(*every), *parsed});
}

}  // namespace

Result<http::Response> SubscriptionsHandler::Serve(const http::Request& request,
                                                   const auth::Principal& principal) {
  if (auto bad = RequireJson(request)) return *bad;
  RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, ParseObjectBody(request));
  RESTOCK_ASSIGN_OR_RETURN(auto customer, StringField(body, "customer"));
  RESTOCK_ASSIGN_OR_RETURN(auto product, StringField(body, "product_id"));
  RESTOCK_ASSIGN_OR_RETURN(auto quantity, IntField(body, "quantity"));
  RESTOCK_ASSIGN_OR_RETURN(auto start, StringField(body, "start"));
  RESTOCK_ASSIGN_OR_RETURN(auto frequency, ReadFrequency(body));
  if (!customer || !product || !start || !frequency) {
    return InvalidArgumentError("customer, product_id, every, period and start are required.");
  }
  auto start_date = ParseDate(*start);
  if (!start_date) return InvalidArgumentError("start must be a date YYYY-MM-DD.");
  placement::NewSubscription request_data{*customer, *product, quantity.value_or(1), *frequency,
                                          *start_date};
  RESTOCK_ASSIGN_OR_RETURN(
      placement::CreatedSubscription created,
      placement::CreateSubscription(db_, clock_, principal.merchant_id, request_data));
  return JsonResponse(boost::json::object{{"subscription_id", created.subscription_id},
                                          {"order_id", created.order_id},
                                          {"place_date", FormatDate(created.place_date)}},
                      201);
}

Result<http::Response> SubscriptionHandler::Serve(const http::Request& request,
                                                  const auth::Principal& principal) {
  RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, PathId(kSubscriptionPath, request));
  if (request.method == "GET") {
    RESTOCK_ASSIGN_OR_RETURN(model::Subscription s,
                             placement::GetSubscription(db_, principal.merchant_id, id));
    return JsonResponse(json::SubscriptionToJson(s));
  }
  if (auto bad = RequireJson(request)) return *bad;
  RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, ParseObjectBody(request));
  placement::SubscriptionChange change;
  RESTOCK_ASSIGN_OR_RETURN(auto status, StringField(body, "status"));
  if (status) {
    if (*status != "cancelled") return InvalidArgumentError("status can only become cancelled.");
    change.cancel = true;
  }
  RESTOCK_ASSIGN_OR_RETURN(change.quantity, IntField(body, "quantity"));
  RESTOCK_ASSIGN_OR_RETURN(change.frequency, ReadFrequency(body));
  if (!change.cancel && !change.quantity && !change.frequency) {
    return InvalidArgumentError("Nothing to change: give status, quantity or every and period.");
  }
  RESTOCK_ASSIGN_OR_RETURN(
      model::Subscription s,
      placement::UpdateSubscription(db_, clock_, principal.merchant_id, id, change));
  return JsonResponse(json::SubscriptionToJson(s));
}

}  // namespace restock::api
