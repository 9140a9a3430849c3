// restock::api — the product endpoints shaped like Ordergroove's (application scope,
// merchant-scoped: another merchant's product is 404):
//   GET   /products/                      list, filters live / discontinued / search, cursor pages
//   GET   /products/{id}/                 one product
//   PATCH /products/{id}/                 one update, as one element of the batch update
//   GET   /products/{id}/stock-history/   the product's stock events, newest first, cursor pages
//   POST  /products-batch/create/         see products_create_handler.h
// Adapters over catalog/: they parse, call one catalog function and render.
#pragma once

#include "api/merchant_endpoint.h"
#include "catalog/held_stock.h"
#include "catalog/stock_update.h"
#include "store/database.h"

namespace restock::api {

// GET /products/?live=B&discontinued=B&search=S&page_size=N&cursor=C
// -> {"next": URL|null, "previous": URL|null, "results": [product, …]} in product_id order,
// each product with its held stock ("committed", "sellable": catalog/held_stock.h).
// B is true/false (or 1/0); S matches product_id, sku or name (ASCII case ignored);
// page_size 1..100 (default 10). Invalid values are 400.
class ProductsHandler final : public MerchantEndpoint {
 public:
  ProductsHandler(const auth::Authenticator& a, Executor w, store::Database& db,
                  catalog::MerchantToday today)
      : MerchantEndpoint(a, std::move(w)), db_(db), today_(std::move(today)) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "list products"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
  catalog::MerchantToday today_;
};

// GET /products/{id}/ -> the product, with its held stock. PATCH /products/{id}/ with a JSON object of updatable
// fields (README.md, API; `product_id` may be omitted, else must equal the id in the path) -> 200
// with the product as updated; 400 {"detail","errors":{field:[…]}}; 404; 409
// {"detail","current":{"inventory":N|null}} when its `if_inventory` or `inventory_adjust` does
// not hold (catalog::Conflicts), nothing applied; 415. The update
// goes through StockService::UpdateAsync like a batch element (group commit, stock events
// with source api, the restock trigger) and is durable before the response.
class ProductHandler final : public MerchantEndpoint {
 public:
  ProductHandler(const auth::Authenticator& a, Executor w, store::Database& db,
                 catalog::StockService& stock, catalog::MerchantToday today)
      : MerchantEndpoint(a, std::move(w)), db_(db), stock_(stock), today_(std::move(today)) {}

 protected:
  std::string_view Action(const http::Request& request) const override {
    return request.method == "PATCH" ? "update products" : "read products";
  }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;
  void ServeAsync(std::shared_ptr<const http::Request> request, const auth::Principal& principal,
                  http::Respond respond) override;

 private:
  store::Database& db_;
  catalog::StockService& stock_;
  catalog::MerchantToday today_;
};

// GET /products/{id}/stock-history/?page_size=N&cursor=C -> {"next","previous","results":
// [stock event, …]} newest first; 404 when the merchant has no such product.
class StockHistoryHandler final : public MerchantEndpoint {
 public:
  StockHistoryHandler(const auth::Authenticator& a, Executor w, store::Database& db)
      : MerchantEndpoint(a, std::move(w)), db_(db) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "read stock history"; }
  Result<http::Response> Serve(const http::Request& request,
                               const auth::Principal& principal) override;

 private:
  store::Database& db_;
};

}  // namespace restock::api
