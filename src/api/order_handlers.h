// restock::api — GET /orders/, GET /orders/{id}/, POST /orders/{id}/cancel/ and
// GET /products/{id}/demand/. Adapters over placement/.
#pragma once

#include "api/merchant_endpoint.h"
#include "core/clock.h"
#include "placement/local_time.h"
#include "store/database.h"

namespace restock::api {

// GET /orders/?status=S&place_date=YYYY-MM-DD&page_size=N&cursor=C
// -> {"next": URL|null, "previous": URL|null, "results": [order, …]} (README.md, API: cursor
// pagination: page_size default 10, at most 100; cursors are opaque).
class OrdersHandler final : public MerchantEndpoint {
 public:
  OrdersHandler(const auth::Authenticator& a, Executor w, store::Database& db)
      : MerchantEndpoint(a, std::move(w)), db_(db) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "list orders"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
};

// GET /orders/{id}/ -> the order. POST /orders/{id}/cancel/ -> the cancelled order.
class OrderHandler final : public MerchantEndpoint {
 public:
  OrderHandler(const auth::Authenticator& a, Executor w, store::Database& db, const Clock& clock,
               placement::ZoneCache& zones)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock), zones_(zones) {}

 protected:
  std::string_view Action(const http::Request& request) const override {
    return request.method == "POST" ? "cancel orders" : "read orders";
  }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
  placement::ZoneCache& zones_;  // the merchant's today, for the order after a cancelled one
};

// GET /products/{id}/demand/?days=N (default 30, 1..366): units due per day against tracked
// inventory, from the merchant's local today.
class DemandHandler final : public MerchantEndpoint {
 public:
  DemandHandler(const auth::Authenticator& a, Executor w, store::Database& db, const Clock& clock,
                placement::ZoneCache& zones)
      : MerchantEndpoint(a, std::move(w)), db_(db), clock_(clock), zones_(zones) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "read product demand"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  const Clock& clock_;
  placement::ZoneCache& zones_;
};

}  // namespace restock::api
