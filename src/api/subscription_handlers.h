// restock::api — POST /subscriptions/ and GET|PATCH /subscriptions/{id}/. Adapters over
// placement/subscriptions.h.
#pragma once

#include "api/merchant_endpoint.h"
#include "core/clock.h"
#include "store/database.h"

namespace restock::api {

// POST /subscriptions/ {"customer","product_id","quantity"(1),"every","period","start"}
// -> 201 {"subscription_id","order_id","place_date"}.
class SubscriptionsHandler final : public MerchantEndpoint {
 public:
  SubscriptionsHandler(const auth::Authenticator& a, Executor w, store::Database& db,
                       const Clock& clock)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "create subscriptions"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
};

// GET /subscriptions/{id}/ -> the subscription.
// PATCH /subscriptions/{id}/ {"status":"cancelled"} | {"quantity":N} | {"every":N,"period":P}
// -> the updated subscription.
class SubscriptionHandler final : public MerchantEndpoint {
 public:
  SubscriptionHandler(const auth::Authenticator& a, Executor w, store::Database& db,
                      const Clock& clock)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock) {}

 protected:
  std::string_view Action(const http::Request& request) const override {
    return request.method == "PATCH" ? "change subscriptions" : "read subscriptions";
  }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace restock::api
