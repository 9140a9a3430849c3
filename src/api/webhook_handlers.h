// restock::api — the merchant's webhook endpoints over HTTP (docs/webhooks.md), an adapter
// over webhooks::EndpointService. Authenticated like every merchant endpoint (x-api-key or
// API-user HMAC); customer signatures get 403.
//   GET  /webhooks/                      -> {"next":null,"previous":null,"results":[endpoint…]}
//   POST /webhooks/ {"url","events":[…],"secret"?}   -> 201 endpoint + "secret"
//   GET  /webhooks/{id}/                 -> endpoint
//   DELETE /webhooks/{id}/               -> {"id","deleted":true} (deliveries and log too)
//   POST /webhooks/{id}/rotate/ {"secret"?}          -> {"id","secret","previous_secret_expires"}
//   POST /webhooks/{id}/disable/, /enable/           -> endpoint
//   POST /webhooks/{id}/replay/ {"delivery_id"} | {"since"}  -> {"enqueued": N}
//   GET  /webhooks/{id}/deliveries/?page_size=N&cursor=C    -> attempts, newest first
#pragma once

#include "api/merchant_endpoint.h"
#include "core/clock.h"
#include "core/target_policy.h"
#include "store/database.h"

namespace restock::api {

class WebhooksHandler final : public MerchantEndpoint {
 public:
  // `targets`: which address literals endpoint URLs may name.
  WebhooksHandler(const auth::Authenticator& a, Executor w, store::Database& db, const Clock& clock,
                  core::TargetPolicy targets)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock), targets_(std::move(targets)) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "manage webhooks"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
  const core::TargetPolicy targets_;
};

}  // namespace restock::api
