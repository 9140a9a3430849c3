// restock::api — POST /products-batch/create/ (Ordergroove's bulk create): a JSON array of
// product objects with the fields of the batch update, answered 207 with one result per
// element in input order: 200 created, 400 invalid (with "errors") or already existing, 409
// for an `inventory_adjust` (a new product's inventory is untracked) or an `if_inventory`
// other than null.
// `?force_all_fields=true|false` is accepted for compatibility (see docs/catalog.md).
// An adapter over catalog::StockService::CreateAsync (group commit, durable before 207);
// an Idempotency-Key makes it safe to retry, as on the batch update (api/idempotency.h).
#pragma once

#include "api/batch_body.h"
#include "api/merchant_endpoint.h"
#include "catalog/stock_update.h"

namespace restock::api {

// Thread-safe. Does not own its dependencies, which must outlive it.
class ProductsCreateHandler final : public MerchantEndpoint {
 public:
  ProductsCreateHandler(const auth::Authenticator& a, Executor w, catalog::StockService& stock,
                        BatchLimits limits)
      : MerchantEndpoint(a, std::move(w)), stock_(stock), limits_(limits) {}

 protected:
  std::string_view Action(const http::Request&) const override { return "create products"; }
  void ServeAsync(std::shared_ptr<const http::Request> request, const auth::Principal& principal,
                  http::Respond respond) override;

 private:
  catalog::StockService& stock_;
  BatchLimits limits_;
};

}  // namespace restock::api
