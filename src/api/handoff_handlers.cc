#include "api/handoff_handlers.h"

#include <vector>

#include "accounts/provisioning.h"
#include "handoff/contacts.h"
#include "handoff/finalize.h"
#include "http/router.h"
#include "json/handoff_json.h"
#include "json/model_json.h"

namespace restock::api {
namespace {

constexpr std::size_t kMaxCustomerIdBytes = 255;

// A string field's new value: the string, or "" for null.
Result<std::string> TextValue(const boost::json::value& v, std::string_view field) {
  if (v.is_null()) return std::string();
  if (!v.is_string()) return InvalidArgumentError(std::string(field) + " must be a string or null.");
  return std::string(v.as_string());
}

Status AddAddress(const boost::json::value& v, std::string_view kind,
                  std::vector<handoff::ContactField>& changes) {
  std::string prefix = std::string(kind) + ".";
  if (v.is_null()) {
    for (std::string_view name : model::kAddressFields) changes.push_back({prefix + std::string(name), ""});
    return Status::Ok();
  }
  if (!v.is_object()) return InvalidArgumentError(std::string(kind) + " must be an object or null.");
  for (const auto& [key, value] : v.as_object()) {
    std::string field = prefix + std::string(key);
    RESTOCK_ASSIGN_OR_RETURN(std::string text, TextValue(value, field));
    changes.push_back({std::move(field), std::move(text)});
  }
  return Status::Ok();
}

// The body's fields as contact changes; unknown fields are refused by the domain.
Result<std::vector<handoff::ContactField>> ChangesOf(const boost::json::object& body) {
  std::vector<handoff::ContactField> changes;
  for (const auto& [key, value] : body) {
    if (key == "shipping_address" || key == "billing_address") {
      RESTOCK_RETURN_IF_ERROR(AddAddress(value, key, changes));
      continue;
    }
    RESTOCK_ASSIGN_OR_RETURN(std::string text, TextValue(value, key));
    changes.push_back({std::string(key), std::move(text)});
  }
  if (changes.empty()) return InvalidArgumentError("Nothing to change.");
  return changes;
}

// A text field that Ordergroove sends as a string or a number ("error_code": 140 or "140").
Result<std::string> CodeText(const boost::json::object& body, std::string_view name) {
  const boost::json::value* v = body.if_contains(name);
  if (v == nullptr || v->is_null()) return std::string();
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64() && v->as_int64() >= 0) {
    std::string digits = std::to_string(v->as_int64());
    if (name == "error_code" && digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
    return digits;
  }
  return InvalidArgumentError(std::string(name) + " must be a string or a number.");
}

}  // namespace

Result<http::Response> FinalizePlacementHandler::Serve(const http::Request& request,
                                                       const auth::Principal& principal) {
  RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, PathId("/orders/{id}/finalize_placement/", request));
  if (auto bad = RequireJson(request)) return *bad;
  RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, ParseObjectBody(request));
  for (const auto& [key, value] : body) {
    if (key != "code" && key != "order_id" && key != "error_code" && key != "error_message") {
      return InvalidArgumentError("Unknown field " + std::string(key) + ".");
    }
  }
  handoff::Finalization f;
  RESTOCK_ASSIGN_OR_RETURN(f.code, CodeText(body, "code"));
  RESTOCK_ASSIGN_OR_RETURN(f.order_id, CodeText(body, "order_id"));
  RESTOCK_ASSIGN_OR_RETURN(f.error_code, CodeText(body, "error_code"));
  RESTOCK_ASSIGN_OR_RETURN(f.error_message, CodeText(body, "error_message"));
  RESTOCK_RETURN_IF_ERROR(handoff::ValidateFinalization(f));
  RESTOCK_ASSIGN_OR_RETURN(model::Merchant merchant,
                           accounts::FindMerchantById(db_, principal.merchant_id));
  RESTOCK_ASSIGN_OR_RETURN(CivilDate day, zones_.LocalDate(merchant, clock_.NowMicros()));
  RESTOCK_ASSIGN_OR_RETURN(model::Order order, handoff::FinalizePlacement(
                                                   db_, clock_, merchant.id, id, f, day));
  return JsonResponse(json::OrderToJson(order));
}

Result<http::Response> CustomerHandler::Serve(const http::Request& request,
                                              const auth::Principal& principal) {
  auto params = http::MatchPath("/customers/{id}/", request.path);
  if (!params || params->empty()) return NotFoundError("Not found.");
  const std::string& customer = params->front();
  if (customer.empty() || customer.size() > kMaxCustomerIdBytes) return NotFoundError("Not found.");
  if (request.method == "GET") {
    RESTOCK_ASSIGN_OR_RETURN(model::CustomerContact contact,
                             handoff::GetContact(db_, principal.merchant_id, customer));
    return JsonResponse(json::ContactToJson(contact));
  }
  if (auto bad = RequireJson(request)) return *bad;
  RESTOCK_ASSIGN_OR_RETURN(boost::json::object body, ParseObjectBody(request));
  RESTOCK_ASSIGN_OR_RETURN(auto changes, ChangesOf(body));
  RESTOCK_ASSIGN_OR_RETURN(
      model::CustomerContact contact,
      handoff::UpdateContact(db_, principal.merchant_id, customer, changes));
  return JsonResponse(json::ContactToJson(contact));
}

}  // namespace restock::api
