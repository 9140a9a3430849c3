// restock::api — the order hand-off's endpoints (docs/handoff.md): GET and PATCH
// /customers/{id}/ (contact details, over handoff/contacts.h) and PATCH
// /orders/{id}/finalize_placement/ (over handoff/finalize.h).
#pragma once

#include "api/merchant_endpoint.h"
#include "core/clock.h"
#include "placement/local_time.h"
#include "store/database.h"

namespace restock::api {

// GET -> the contact (json::ContactToJson). PATCH with a JSON object of any of "name",
// "email", "locale", "payment_token" (string, or null to clear) and "shipping_address" /
// "billing_address" (an object of address fields, each a string or null; null clears the
// whole address) -> the contact after the change. Unknown fields: 400, nothing changed.
class CustomerHandler final : public MerchantEndpoint {
 public:
  CustomerHandler(const auth::Authenticator& a, Executor w, store::Database& db)
      : MerchantEndpoint(a, std::move(w)), db_(db) {}

 protected:
  std::string_view Action(const http::Request& request) const override {
    return request.method == "PATCH" ? "update customers" : "read customers";
  }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
};

// PATCH /orders/{id}/finalize_placement/ with {"code":"SUCCESS","order_id":X} or
// {"code":"ERROR","error_code":N,"error_message":M} -> the order, placed or rejected. 409
// when the order is not pending (nothing changed).
class FinalizePlacementHandler final : public MerchantEndpoint {
 public:
  FinalizePlacementHandler(const auth::Authenticator& a, Executor w, store::Database& db,
                           const Clock& clock, placement::ZoneCache& zones)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock), zones_(zones) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "finalize orders"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
  placement::ZoneCache& zones_;
};

}  // namespace restock::api
