// restock::api — the one pipeline of merchant-scoped endpoints (batch update and create,
// products, subscriptions, orders, demand, webhooks): authenticate (API key or API-user HMAC,
// README.md, API), apply the per-merchant rate limit, then let the subclass serve the request; a
// Status error becomes {"detail": …} with its HTTP code (status_mapping.h).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/rate_limits.h"
#include "auth/authenticator.h"
#include "core/result.h"
#include "http/message.h"

namespace restock::api {

// Runs a task on a worker thread (never an I/O thread). Must not run it inline.
using Executor = std::function<void(std::function<void()>)>;

// Thread-safe. Does not own the authenticator.
//
// Where a request runs: on a worker thread (authentication may read the database), except
// when the subclass allows inline serving (`inline_body_bytes` > 0), the body is at most that
// many bytes and the credentials can be checked from memory
// (Authenticator::TryAuthenticateMerchantInMemory): then the whole pipeline runs on the
// calling I/O thread, which saves two thread hand-offs on the small batch PATCHes that make up
// most of the traffic (docs/architecture.md, "One request, end to end").
class MerchantEndpoint : public http::Handler {
 public:
  void Handle(http::Request request, http::Respond respond) final;

  // Applies the per-merchant rate limit (after authentication) to this endpoint, as for the
  // batch endpoints. `limits` is not owned and must outlive the endpoint. Call before serving.
  void LimitPerMerchant(RateLimits* limits) { rate_limits_ = limits; }

 protected:
  // `inline_body_bytes`: 0 serves every request on a worker; otherwise the largest body
  // served on the I/O thread when its credentials are in memory. A subclass that sets it
  // must not block in ServeAsync.
  MerchantEndpoint(const auth::Authenticator& authenticator, Executor workers,
                   std::size_t inline_body_bytes = 0)
      : authenticator_(authenticator),
        workers_(std::move(workers)),
        inline_body_bytes_(inline_body_bytes) {}

  // What `request` would do, completing "Customer credentials may not …" (e.g. "list
  // orders"): a valid customer-scope signature is refused with 403 naming it.
  virtual std::string_view Action(const http::Request& request) const = 0;

  // Serves an authenticated request on a worker thread; may block on the database.
  // A subclass overrides this or ServeAsync (the default answers 500).
  virtual Result<http::Response> Serve(const http::Request& request,
                                       const auth::Principal& principal);

  // Serves an authenticated request, on a worker thread (or on the I/O thread, see the
  // class comment); calls `respond` exactly once, from any thread — for writes that wait on
  // the group-commit writer without holding a worker. The default runs Serve and responds
  // with its result.
  virtual void ServeAsync(std::shared_ptr<const http::Request> request,
                          const auth::Principal& principal, http::Respond respond);

  // The response for a Serve-like result: the response itself, or {"detail": …} with the
  // error's HTTP status (5xx logged with the request's method and path).
  static http::Response ToResponse(const http::Request& request, Result<http::Response> result);

  // Runs `task` on a worker thread.
  void Post(std::function<void()> task) const { workers_(std::move(task)); }

 private:
  // The pipeline after authentication: refusal, per-merchant rate limit, ServeAsync.
  void Continue(std::shared_ptr<const http::Request> request, Result<auth::Principal> principal,
                http::Respond respond);

  const auth::Authenticator& authenticator_;
  Executor workers_;
  const std::size_t inline_body_bytes_;
  RateLimits* rate_limits_ = nullptr;
};

// The credential headers of `request` (and its body, for strict replay protection).
// The views point into `request`.
auth::AuthHeaders AuthHeadersOf(const http::Request& request);

// A 200 (or `status`) response with `body` serialised.
http::Response JsonResponse(const boost::json::value& body, int status = 200);

// True for "application/json" with optional parameters (e.g. "; charset=utf-8"),
// case-insensitively.
bool IsJsonContentType(std::string_view content_type);

// The 415 response when the request's content type is not JSON; nullopt when it is.
std::optional<http::Response> RequireJson(const http::Request& request);

// The request body as a JSON object. InvalidArgument for malformed JSON or a non-object.
Result<boost::json::object> ParseObjectBody(const http::Request& request);

// Typed optional fields of a JSON object: nullopt when absent; InvalidArgument naming the
// field when present with the wrong type.
Result<std::optional<std::string>> StringField(const boost::json::object& o, std::string_view name);
Result<std::optional<std::int64_t>> IntField(const boost::json::object& o, std::string_view name);

// Parses the decimal id at `param` of a path matched against `pattern` (e.g.
// "/orders/{id}/"). NotFound when it is not a positive 63-bit integer.
Result<std::int64_t> PathId(std::string_view pattern, const http::Request& request);

}  // namespace restock::api
