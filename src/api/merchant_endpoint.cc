#include "api/merchant_endpoint.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>

#include "api/status_mapping.h"
#include "core/text.h"
#include "http/router.h"

namespace restock::api {

void MerchantEndpoint::Handle(http::Request request, http::Respond respond) {
  // A small request whose credentials are in memory is served right here, on the I/O
  // thread: authentication (one HMAC), parsing and validation take microseconds, less than
  // handing the request to a worker thread and back (futex wake-ups and context switches in
  // the profiles). Whatever may block (a credential read from the database, strict replay
  // protection's write) or take long (a large body) goes to a worker.
  if (request.body.size() <= inline_body_bytes_ && inline_body_bytes_ > 0) {
    if (std::optional<Result<auth::Principal>> principal =
            authenticator_.TryAuthenticateMerchantInMemory(AuthHeadersOf(request),
                                                           Action(request))) {
      return Continue(std::make_shared<const http::Request>(std::move(request)),
                      std::move(*principal), std::move(respond));
    }
  }
  auto shared = std::make_shared<const http::Request>(std::move(request));
  workers_([this, shared, respond = std::move(respond)]() mutable {
    Continue(shared, authenticator_.AuthenticateMerchant(AuthHeadersOf(*shared), Action(*shared)),
             std::move(respond));
  });
}

void MerchantEndpoint::Continue(std::shared_ptr<const http::Request> request,
                                Result<auth::Principal> principal, http::Respond respond) {
  if (!principal.ok()) {
    if (HttpStatusFor(principal.status().code()) >= 500) {
      spdlog::error("credential lookup failed: {}", principal.status().ToString());
    }
    return respond(ResponseForStatus(principal.status()));
  }
  if (rate_limits_ != nullptr) {
    if (auto refused = rate_limits_->CheckMerchant(principal->merchant_id)) {
      return respond(std::move(*refused));
    }
  }
  ServeAsync(std::move(request), *principal, std::move(respond));
}

auth::AuthHeaders AuthHeadersOf(const http::Request& request) {
  return auth::AuthHeaders{.authorization = request.Header("authorization"),
                           .og_authorization = request.Header("og-authorization"),
                           .api_key = request.Header("x-api-key"),
                           .body_signature = request.Header("x-restock-signature"),
                           .body = request.body};
}

Result<http::Response> MerchantEndpoint::Serve(const http::Request&, const auth::Principal&) {
  return InternalError("handler serves nothing");
}

void MerchantEndpoint::ServeAsync(std::shared_ptr<const http::Request> request,
                                  const auth::Principal& principal, http::Respond respond) {
  respond(ToResponse(*request, Serve(*request, principal)));
}

http::Response MerchantEndpoint::ToResponse(const http::Request& request,
                                            Result<http::Response> result) {
  if (result.ok()) return std::move(*result);
  if (HttpStatusFor(result.status().code()) >= 500) {
    spdlog::error("{} {}: {}", request.method, request.path, result.status().ToString());
  }
  return ResponseForStatus(result.status());
}

http::Response JsonResponse(const boost::json::value& body, int status) {
  http::Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

bool IsJsonContentType(std::string_view content_type) {
  std::string_view type = core::TrimBlanks(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kJson[i]) return false;
  }
  return true;
}

std::optional<http::Response> RequireJson(const http::Request& request) {
  auto content_type = request.Header("content-type");
  if (content_type && IsJsonContentType(*content_type)) return std::nullopt;
  return http::ErrorResponse(415, "Unsupported media type: use application/json.");
}

Result<std::optional<std::string>> StringField(const boost::json::object& o,
                                               std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgumentError(std::string(name) + " must be a string.");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::optional<std::int64_t>> IntField(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (!v->is_int64()) return InvalidArgumentError(std::string(name) + " must be an integer.");
  return std::optional<std::int64_t>(v->get_int64());
}

Result<boost::json::object> ParseObjectBody(const http::Request& request) {
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(request.body, ec, {}, options);
  if (ec) return InvalidArgumentError("JSON parse error: " + ec.message() + ".");
  if (!v.is_object()) return InvalidArgumentError("Expected a JSON object.");
  return std::move(v.get_object());
}

Result<std::int64_t> PathId(std::string_view pattern, const http::Request& request) {
  auto params = http::MatchPath(pattern, request.path);
  if (!params || params->empty()) return NotFoundError("Not found.");
  const std::string& text = params->front();
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return NotFoundError("Not found.");
  }
  std::int64_t id = std::stoll(text);
  if (id <= 0) return NotFoundError("Not found.");
  return id;
}

}  // namespace restock::api
