// restock::api — PATCH /products-batch/update/ (README.md, API), the seed's endpoint.
// An adapter: after MerchantEndpoint's pipeline, parse and validate through catalog/, hand
// the valid elements to the StockService, render the 207. It decides nothing about stock.
#pragma once

#include "api/batch_body.h"
#include "api/merchant_endpoint.h"
#include "api/rate_limits.h"
#include "catalog/stock_update.h"
#include "metrics/registry.h"

namespace restock::api {

// Thread-safe. Does not own its dependencies, which must outlive it.
//
// Responds 207 with per-element results once every applied element is durable; or a
// whole-request error (400, 401, 403, 413, 415, 429, 5xx) with nothing applied. With an
// Idempotency-Key (api/idempotency.h) the 207 is stored with the changes and replayed to a
// retry; a key used with another body is 422, a key another request holds right now 409. Small
// requests (body up to kInlineBodyBytes) whose credentials are in memory are served on the
// I/O thread without blocking; everything else on a worker.
class ProductsBatchHandler final : public MerchantEndpoint {
 public:
  // `rate_limits` (optional, not owned) is asked after authentication (per merchant).
  ProductsBatchHandler(const auth::Authenticator& authenticator, catalog::StockService& stock,
                       metrics::Registry& registry, Executor workers, BatchLimits limits,
                       RateLimits* rate_limits = nullptr);

  // About 200 elements: parsing and validating them takes ~0.2 ms.
  static constexpr std::size_t kInlineBodyBytes = 8 * 1024;

 protected:
  std::string_view Action(const http::Request&) const override {
    return auth::Authenticator::kUpdateProducts;
  }
  // Never blocks: the update waits on the group-commit writer, which responds.
  void ServeAsync(std::shared_ptr<const http::Request> request, const auth::Principal& principal,
                  http::Respond respond) override;

 private:
  // Counts the outcomes of the elements that reached the store.
  void CountOutcomes(const ValidatedBatch& batch);

  catalog::StockService& stock_;
  BatchLimits limits_;
  metrics::Counter& applied_;
  metrics::Counter& rejected_;
  metrics::Counter& not_found_;
  metrics::Counter& conflict_;
};

}  // namespace restock::api
