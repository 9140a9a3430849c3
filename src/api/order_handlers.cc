#include "api/order_handlers.h"


#include "accounts/provisioning.h"
#include "api/pagination.h"
#include "http/router.h"
#include "json/model_json.h"
#include "placement/demand.h"
#include "placement/subscriptions.h"

namespace restock::api {

Result<http::Response> OrdersHandler::Serve(const http::Request& request,
                                            const auth::Principal& principal) {
  store::OrderFilter filter;
  if (auto status = request.QueryParam("status")) {
    filter.status = model::ParseOrderStatus(*status);
    if (!filter.status) {
      return InvalidArgumentError(
          "status must be unsent, pending, placed, out_of_stock, cancelled or rejected.");
    }
  }
  if (auto date = request.QueryParam("place_date")) {
    filter.place_date = ParseDate(*date);
    if (!filter.place_date) return InvalidArgumentError("place_date must be YYYY-MM-DD.");
  }
  RESTOCK_ASSIGN_OR_RETURN(std::size_t page_size, PageSizeOf(request));
  RESTOCK_ASSIGN_OR_RETURN(IdCursor cursor, ParseIdCursor(request.QueryParam("cursor")));
  store::OrderPage page;
  page.after_id = cursor.after_id;
  page.before_id = cursor.before_id;
  page.limit = page_size + 1;  // one more tells whether another page exists
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders,
                           placement::ListOrders(db_, principal.merchant_id, filter, page));
  bool more = orders.size() > page_size;
  if (more) {
    // Backward pages come reversed to ascending order, so the extra one is the first.
    if (page.before_id) {
      orders.erase(orders.begin());
    } else {
      orders.pop_back();
    }
  }
  bool has_next = page.before_id ? true : more;
  bool has_previous = page.before_id ? more : page.after_id > 0;
  boost::json::array results;
  for (const auto& o : orders) results.push_back(json::OrderToJson(o));
  boost::json::object body;
  auto link = [&](char kind, std::int64_t id) -> boost::json::value {
    return boost::json::value(
        PageLink(request, IdCursorText(kind, id), page_size, {"status", "place_date"}));
  };
  body["next"] = has_next && !orders.empty() ? link('a', orders.back().id) : nullptr;
  body["previous"] = has_previous && !orders.empty() ? link('b', orders.front().id) : nullptr;
  body["results"] = std::move(results);
  return JsonResponse(body);
}

Result<http::Response> OrderHandler::Serve(const http::Request& request,
                                           const auth::Principal& principal) {
  if (request.method == "POST") {
    RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, PathId("/orders/{id}/cancel/", request));
    RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant,
                             accounts::FindMerchantById(db_, principal.merchant_id));
    RESTOCK_ASSIGN_OR_RETURN(CivilDate today, zones_.LocalDate(merchant, clock_.NowMicros()));
    RESTOCK_ASSIGN_OR_RETURN(
        model::Order order, placement::CancelOrder(db_, clock_, principal.merchant_id, id, today));
    return JsonResponse(json::OrderToJson(order));
  }
  RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, PathId("/orders/{id}/", request));
  RESTOCK_ASSIGN_OR_RETURN(model::Order order, placement::GetOrder(db_, principal.merchant_id, id));
  return JsonResponse(json::OrderToJson(order));
}

Result<http::Response> DemandHandler::Serve(const http::Request& request,
                                            const auth::Principal& principal) {
  auto params = http::MatchPath("/products/{id}/demand/", request.path);
  if (!params || params->empty()) return NotFoundError("Not found.");
  int days = 30;
  if (auto text = request.QueryParam("days")) {
    auto parsed = ParseDecimal(*text);
    if (!parsed || *parsed < 1 || *parsed > placement::kMaxDemandDays) {
      return InvalidArgumentError("days must be 1 to 366.");
    }
    days = static_cast<int>(*parsed);
  }
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant,
                           accounts::FindMerchantById(db_, principal.merchant_id));
  RESTOCK_ASSIGN_OR_RETURN(CivilDate today, zones_.LocalDate(merchant, clock_.NowMicros()));
  RESTOCK_ASSIGN_OR_RETURN(
      placement::Demand demand,
      placement::ComputeDemand(db_, merchant, params->front(), today, days));
  boost::json::array per_day;
  for (const auto& d : demand.days) {
    boost::json::object day{{"date", FormatDate(d.date)}, {"units", d.units}};
    day["remaining"] = d.remaining ? boost::json::value(*d.remaining) : nullptr;
    per_day.push_back(std::move(day));
  }
  boost::json::object body;
  body["product_id"] = demand.product_id;
  body["inventory"] = demand.inventory ? boost::json::value(*demand.inventory) : nullptr;
  json::AddHeldStock(body, demand.held);
  body["total_units"] = demand.total_units;
  body["first_short_day"] =
      demand.first_short_day ? boost::json::value(FormatDate(*demand.first_short_day)) : nullptr;
  body["days"] = std::move(per_day);
  return JsonResponse(body);
}

}  // namespace restock::api
