#include "api/webhook_handlers.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <iterator>

#include "api/pagination.h"
#include "core/time_format.h"
#include "http/router.h"
#include "json/webhook_json.h"
#include "webhooks/endpoints.h"

namespace restock::api {
namespace {

// The body as an object; an empty body counts as {} (rotate, disable and enable need none).
Result<boost::json::object> OptionalObjectBody(const http::Request& request) {
  if (request.body.empty()) return boost::json::object();
  return ParseObjectBody(request);
}

Result<std::vector<model::WebhookEventType>> EventsField(const boost::json::object& o) {
  const boost::json::value* v = o.if_contains("events");
  if (v == nullptr || !v->is_array()) {
    return InvalidArgumentError("events must be an array of event type names.");
  }
  std::vector<std::string> names;
  for (const boost::json::value& e : v->as_array()) {
    if (!e.is_string()) return InvalidArgumentError("events must be an array of event type names.");
    names.emplace_back(e.as_string());
  }
  return webhooks::ParseEventTypes(names);
}

Result<http::Response> Deliveries(webhooks::EndpointService& service, const http::Request& request,
                                  model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(std::size_t page_size, PageSizeOf(request));
  std::optional<std::int64_t> before;
  if (auto cursor = request.QueryParam("cursor")) {
    before = ParseDecimal(*cursor);
    if (!before) return InvalidArgumentError("Invalid cursor.");
  }
  RESTOCK_ASSIGN_OR_RETURN(auto attempts, service.Attempts(merchant, id, before, page_size + 1));
  bool more = attempts.size() > page_size;
  if (more) attempts.pop_back();
  boost::json::array results;
  for (const auto& a : attempts) results.push_back(json::DeliveryAttemptToJson(a));
  boost::json::object body;
  // Newest first, forward only: the cursor is the id the next page starts below.
  body["next"] =
      more && !attempts.empty()
          ? boost::json::value(PageLink(request, std::to_string(attempts.back().id), page_size, {}))
          : nullptr;
  body["previous"] = nullptr;
  body["results"] = std::move(results);
  return JsonResponse(body);
}

// GET /webhooks/: the merchant's endpoints in id order, paged like every list (README.md, API).
// A merchant has few endpoints, so the page is cut from the whole list.
Result<http::Response> ListEndpoints(webhooks::EndpointService& service,
                                     const http::Request& request, model::MerchantId merchant,
                                     UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(std::size_t page_size, PageSizeOf(request));
  RESTOCK_ASSIGN_OR_RETURN(IdCursor cursor, ParseIdCursor(request.QueryParam("cursor")));
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::WebhookEndpoint> endpoints, service.List(merchant));
  std::sort(endpoints.begin(), endpoints.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  auto begin = endpoints.begin();
  auto end = endpoints.end();
  bool has_next = false;
  bool has_previous = false;
  if (cursor.before_id) {
    end = std::lower_bound(begin, end, *cursor.before_id,
                           [](const auto& e, std::int64_t id) { return e.id < id; });
    has_next = true;
    has_previous = static_cast<std::size_t>(end - begin) > page_size;
    if (has_previous) begin = end - static_cast<std::ptrdiff_t>(page_size);
  } else {
    begin = std::upper_bound(begin, end, cursor.after_id,
                             [](std::int64_t id, const auto& e) { return id < e.id; });
    has_previous = cursor.after_id > 0;
    has_next = static_cast<std::size_t>(end - begin) > page_size;
    if (has_next) end = begin + static_cast<std::ptrdiff_t>(page_size);
  }
  boost::json::array results;
  for (auto it = begin; it != end; ++it) results.push_back(json::WebhookEndpointToJson(*it, now));
  auto link = [&](bool wanted, char kind, bool last) -> boost::json::value {
    if (!wanted || begin == end) return nullptr;
    const std::int64_t id = last ? std::prev(end)->id : begin->id;
    return boost::json::value(PageLink(request, IdCursorText(kind, id), page_size, {}));
  };
  return JsonResponse(boost::json::object{{"next", link(has_next, 'a', true)},
                                          {"previous", link(has_previous, 'b', false)},
                                          {"results", std::move(results)}});
}

}  // namespace

Result<http::Response> WebhooksHandler::Serve(const http::Request& request,
                                              const auth::Principal& principal) {
  const model::MerchantId merchant = principal.merchant_id;
  webhooks::EndpointService service(db_, clock_, targets_);
  const UnixMicros now = clock_.NowMicros();

  if (http::MatchPath("/webhooks/", request.path)) {
    if (request.method == "GET") return ListEndpoints(service, request, merchant, now);
    if (auto unsupported = RequireJson(request)) return *unsupported;
    RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, ParseObjectBody(request));
    RESTOCK_ASSIGN_OR_RETURN(std::optional<std::string> url, StringField(body, "url"));
    if (!url) return InvalidArgumentError("url is required.");
    RESTOCK_ASSIGN_OR_RETURN(auto events, EventsField(body));
    RESTOCK_ASSIGN_OR_RETURN(std::optional<std::string> secret, StringField(body, "secret"));
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.Add(merchant, *url, events, secret));
    boost::json::object out = json::WebhookEndpointToJson(e, now);
    out["secret"] = e.secret;
    return JsonResponse(out, 201);
  }

  auto params = http::MatchPath("/webhooks/{id}/{action}/", request.path);
  std::string_view action;
  if (params && params->size() == 2) {
    action = (*params)[1];
  } else {
    params = http::MatchPath("/webhooks/{id}/", request.path);
    if (!params || params->size() != 1) return NotFoundError("Not found.");
  }
  std::optional<std::int64_t> id = ParseDecimal((*params)[0]);
  if (!id || *id == 0) return NotFoundError("Not found.");

  if (action.empty() && request.method == "DELETE") {
    RESTOCK_RETURN_IF_ERROR(service.Remove(merchant, *id));
    return JsonResponse(boost::json::object{{"id", *id}, {"deleted", true}});
  }
  if (action.empty()) {
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.Get(merchant, *id));
    return JsonResponse(json::WebhookEndpointToJson(e, now));
  }
  if (action == "deliveries") return Deliveries(service, request, merchant, *id);
  if (!request.body.empty()) {
    if (auto unsupported = RequireJson(request)) return *unsupported;
  }
  RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, OptionalObjectBody(request));
  if (action == "rotate") {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<std::string> secret, StringField(body, "secret"));
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, service.Rotate(merchant, *id, secret));
    return JsonResponse(
        boost::json::object{{"id", e.id},
                            {"secret", e.secret},
                            {"previous_secret_expires", FormatIsoUtc(e.previous_secret_expires)}});
  }
  if (action == "disable" || action == "enable") {
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e,
                             service.SetEnabled(merchant, *id, action == "enable"));
    return JsonResponse(json::WebhookEndpointToJson(e, now));
  }
  if (action == "replay") {
    webhooks::ReplayRequest replay;
    RESTOCK_ASSIGN_OR_RETURN(replay.delivery_id, IntField(body, "delivery_id"));
    RESTOCK_ASSIGN_OR_RETURN(std::optional<std::string> since, StringField(body, "since"));
    if (since) {
      RESTOCK_ASSIGN_OR_RETURN(UnixMicros t, webhooks::ParseTimestamp(*since));
      replay.since = t;
    }
    RESTOCK_ASSIGN_OR_RETURN(std::size_t n, service.Replay(merchant, *id, replay));
    return JsonResponse(boost::json::object{{"enqueued", n}});
  }
  return NotFoundError("Not found.");
}

}  // namespace restock::api
