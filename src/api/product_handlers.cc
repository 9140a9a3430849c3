#include "api/product_handlers.h"

#include <boost/json/value.hpp>
#include <charconv>
#include <memory>

#include "api/pagination.h"
#include "catalog/product_queries.h"
#include "catalog/validation.h"
#include "core/crypto.h"
#include "http/router.h"
#include "json/model_json.h"

namespace restock::api {
namespace {

// "true"/"false" in any case, or "1"/"0"; nullopt for anything else.
std::optional<bool> ParseBoolParam(std::string_view text) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  };
  std::string t = lower(text);
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  return std::nullopt;
}

Result<std::optional<bool>> BoolFilter(const http::Request& request, std::string_view name) {
  auto text = request.QueryParam(name);
  if (!text) return std::optional<bool>();
  std::optional<bool> value = ParseBoolParam(*text);
  if (!value) return InvalidArgumentError(std::string(name) + " must be true or false.");
  return value;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    out += static_cast<char>(value);
  }
  return out;
}

// Product cursors: "a" + hex(product_id) pages forward after that id, "b" + hex backward
// before it. Hex keeps any id (spaces, '&', UTF-8) URL-safe and opaque.
Result<store::ProductPage> ParseProductCursor(const std::optional<std::string>& cursor) {
  store::ProductPage page;
  if (!cursor) return page;
  std::optional<std::string> id;
  if (cursor->size() > 1) id = HexDecode(std::string_view(*cursor).substr(1));
  if (!id || id->empty() || ((*cursor)[0] != 'a' && (*cursor)[0] != 'b')) {
    return InvalidArgumentError("Invalid cursor.");
  }
  if ((*cursor)[0] == 'a') {
    page.after = std::move(*id);
  } else {
    page.before = std::move(*id);
  }
  return page;
}

std::string ProductCursor(char kind, std::string_view product_id) {
  std::string cursor(1, kind);
  cursor += HexEncode(product_id);
  return cursor;
}

// Stock-history cursors: "o<id>" older than event id, "n<id>" newer than it.
Result<store::StockEventPage> ParseHistoryCursor(const std::optional<std::string>& cursor) {
  store::StockEventPage page;
  if (!cursor) return page;
  const std::optional<TaggedCursor> tagged = ParseTaggedCursor(*cursor, "on");
  if (!tagged) return InvalidArgumentError("Invalid cursor.");
  if (tagged->tag == 'o') {
    page.older_than = tagged->id;
  } else {
    page.newer_than = tagged->id;
  }
  return page;
}

// The {"next","previous","results"} body. `more` says whether the store returned one item
// past the page (already dropped); `backward` whether this page was asked for backward.
// `previous_cursor` / `next_cursor` lead before the first / after the last item; `started`
// says whether this page began after some item (so a previous page exists).
boost::json::object PageBody(const http::Request& request, boost::json::array results, bool more,
                             bool backward, bool started, std::size_t page_size,
                             const std::string& previous_cursor, const std::string& next_cursor,
                             std::initializer_list<std::string_view> keep) {
  bool has_next = backward ? true : more;
  bool has_previous = backward ? more : started;
  bool empty = results.empty();
  boost::json::object body;
  body["next"] = has_next && !empty
                     ? boost::json::value(PageLink(request, next_cursor, page_size, keep))
                     : nullptr;
  body["previous"] = has_previous && !empty
                         ? boost::json::value(PageLink(request, previous_cursor, page_size, keep))
                         : nullptr;
  body["results"] = std::move(results);
  return body;
}

// The decoded {id} of `pattern` in the request path; NotFound when it cannot name a product.
Result<std::string> PathProductId(std::string_view pattern, const http::Request& request) {
  auto params = http::MatchPath(pattern, request.path);
  if (!params || params->empty()) return NotFoundError("Not found.");
  std::string id = std::move(params->front());
  if (id.empty() || id.size() > model::kMaxProductIdBytes) return NotFoundError("Not found.");
  return id;
}

http::Response InvalidFields(const catalog::FieldErrors& errors) {
  boost::json::object body;
  body["detail"] = "Invalid product fields.";
  body["errors"] = json::ErrorsToJson(errors);
  return JsonResponse(body, 400);
}

// 409 {"detail", "current": {"inventory": N|null}}, as a batch element's 409.
http::Response InventoryConflict(const catalog::PatchResults::Conflict& conflict) {
  boost::json::object body;
  body["detail"] = catalog::ConflictMessage(conflict.reason);
  boost::json::object current;
  current["inventory"] =
      conflict.inventory ? boost::json::value(*conflict.inventory) : boost::json::value(nullptr);
  body["current"] = std::move(current);
  return JsonResponse(body, 409);
}

constexpr std::size_t kMaxSearchBytes = 1024;

}  // namespace

Result<http::Response> ProductsHandler::Serve(const http::Request& request,
                                              const auth::Principal& principal) {
  store::ProductFilter filter;
  RESTOCK_ASSIGN_OR_RETURN(filter.live, BoolFilter(request, "live"));
  RESTOCK_ASSIGN_OR_RETURN(filter.discontinued, BoolFilter(request, "discontinued"));
  if (auto search = request.QueryParam("search")) {
    if (search->size() > kMaxSearchBytes) {
      return InvalidArgumentError("search must be at most 1024 bytes.");
    }
    filter.search = std::move(*search);
  }
  RESTOCK_ASSIGN_OR_RETURN(std::size_t page_size, PageSizeOf(request));
  RESTOCK_ASSIGN_OR_RETURN(store::ProductPage page,
                           ParseProductCursor(request.QueryParam("cursor")));
  page.limit = page_size + 1;  // one more tells whether another page exists
  RESTOCK_ASSIGN_OR_RETURN(std::vector<catalog::ProductView> products,
                           catalog::ListProducts(db_, principal.merchant_id, filter, page, today_));
  bool backward = page.before.has_value();
  bool more = products.size() > page_size;
  if (more) {
    // Backward pages come in ascending order too, so the extra one is the first.
    if (backward) {
      products.erase(products.begin());
    } else {
      products.pop_back();
    }
  }
  boost::json::array results;
  for (const auto& p : products) results.push_back(json::ProductToJson(p.product, p.held));
  std::string previous =
      products.empty() ? "" : ProductCursor('b', products.front().product.product_id);
  std::string next = products.empty() ? "" : ProductCursor('a', products.back().product.product_id);
  return JsonResponse(PageBody(request, std::move(results), more, backward, !page.after.empty(),
                               page_size, previous, next, {"live", "discontinued", "search"}));
}

Result<http::Response> ProductHandler::Serve(const http::Request& request,
                                             const auth::Principal& principal) {
  RESTOCK_ASSIGN_OR_RETURN(std::string id, PathProductId("/products/{id}/", request));
  RESTOCK_ASSIGN_OR_RETURN(catalog::ProductView view,
                           catalog::GetProduct(db_, principal.merchant_id, id, today_));
  return JsonResponse(json::ProductToJson(view.product, view.held));
}

void ProductHandler::ServeAsync(std::shared_ptr<const http::Request> request,
                                const auth::Principal& principal, http::Respond respond) {
  if (request->method != "PATCH") {
    return respond(ToResponse(*request, Serve(*request, principal)));
  }
  Result<std::string> id = PathProductId("/products/{id}/", *request);
  if (!id.ok()) return respond(ToResponse(*request, id.status()));
  if (auto unsupported = RequireJson(*request)) return respond(std::move(*unsupported));
  Result<boost::json::object> body = ParseObjectBody(*request);
  if (!body.ok()) return respond(ToResponse(*request, body.status()));

  // The path names the product; a product_id in the body may only repeat it.
  catalog::RawElement element = json::RawElementFromJson(boost::json::value(std::move(*body)));
  for (const auto& [name, value] : element.fields) {
    if (name == "product_id" &&
        (value.kind != catalog::RawValue::Kind::kString || value.text != *id)) {
      return respond(InvalidFields({{"product_id", {"must match the product in the URL"}}}));
    }
  }
  element.fields.emplace_back("product_id", catalog::RawValue::String(*id));
  catalog::ValidatedElement v = catalog::ValidateElement(element);
  if (!v.patch) {
    // An id that fails validation (control characters) cannot name a product.
    for (const auto& [field, messages] : v.errors) {
      if (field == "product_id") return respond(ToResponse(*request, NotFoundError("Not found.")));
    }
    return respond(InvalidFields(v.errors));
  }
  std::vector<model::ProductPatch> patches;
  patches.push_back(std::move(*v.patch));
  model::MerchantId merchant = principal.merchant_id;
  stock_.UpdateAsync(merchant, std::move(patches), model::StockSource::kApi,
                     [this, request, merchant, id = *id,
                      respond = std::move(respond)](Result<catalog::PatchResults> outcomes) {
                       // On the database writer: read the product back on a worker instead.
                       auto shared =
                           std::make_shared<Result<catalog::PatchResults>>(std::move(outcomes));
                       Post([this, request, merchant, id, respond, shared]() {
                         if (!shared->ok()) return respond(ToResponse(*request, shared->status()));
                         const catalog::PatchResults& results = **shared;
                         switch (results.outcomes.front()) {
                           case catalog::PatchOutcome::kNotFound:
                             return respond(ToResponse(*request, NotFoundError("Not found.")));
                           case catalog::PatchOutcome::kConflict:
                             return respond(InventoryConflict(results.conflicts.front()));
                           default:
                             break;
                         }
                         Result<catalog::ProductView> view =
                             catalog::GetProduct(db_, merchant, id, today_);
                         if (!view.ok()) return respond(ToResponse(*request, view.status()));
                         respond(JsonResponse(json::ProductToJson(view->product, view->held)));
                       });
                     });
}

Result<http::Response> StockHistoryHandler::Serve(const http::Request& request,
                                                  const auth::Principal& principal) {
  RESTOCK_ASSIGN_OR_RETURN(std::string id, PathProductId("/products/{id}/stock-history/", request));
  RESTOCK_ASSIGN_OR_RETURN(std::size_t page_size, PageSizeOf(request));
  RESTOCK_ASSIGN_OR_RETURN(store::StockEventPage page,
                           ParseHistoryCursor(request.QueryParam("cursor")));
  page.limit = page_size + 1;
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::StockEvent> events,
                           catalog::StockHistory(db_, principal.merchant_id, id, page));
  bool backward = page.newer_than.has_value();
  bool more = events.size() > page_size;
  if (more) {
    // Newest first in both directions: a backward page's extra event is its first.
    if (backward) {
      events.erase(events.begin());
    } else {
      events.pop_back();
    }
  }
  boost::json::array results;
  for (const auto& e : events) results.push_back(json::StockEventToJson(e));
  std::string previous = events.empty() ? "" : IdCursorText('n', events.front().id);
  std::string next = events.empty() ? "" : IdCursorText('o', events.back().id);
  return JsonResponse(PageBody(request, std::move(results), more, backward,
                               page.older_than.has_value(), page_size, previous, next, {}));
}

}  // namespace restock::api
