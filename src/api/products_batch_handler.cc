#include "api/products_batch_handler.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "api/status_mapping.h"

namespace restock::api {

ProductsBatchHandler::ProductsBatchHandler(const auth::Authenticator& authenticator,
                                           catalog::StockService& stock,
                                           metrics::Registry& registry, Executor workers,
                                           BatchLimits limits, RateLimits* rate_limits)
    : MerchantEndpoint(authenticator, std::move(workers), kInlineBodyBytes),
      stock_(stock),
      limits_(limits),
      applied_(registry.GetCounter("restock_batch_elements_total",
                                   "Batch update elements by outcome.", {{"status", "200"}})),
      rejected_(registry.GetCounter("restock_batch_elements_total",
                                    "Batch update elements by outcome.", {{"status", "400"}})),
      not_found_(registry.GetCounter("restock_batch_elements_total",
                                     "Batch update elements by outcome.", {{"status", "404"}})) {
  LimitPerMerchant(rate_limits);
}

void ProductsBatchHandler::ServeAsync(std::shared_ptr<const http::Request> request,
                                      const auth::Principal& principal, http::Respond respond) {
  if (auto unsupported = RequireJson(*request)) return respond(std::move(*unsupported));
  Result<ValidatedBatch> parsed = ParseAndValidateBatch(request->body, limits_);
  if (!parsed.ok()) return respond(ResponseForBodyError(parsed.status()));
  auto batch = std::make_shared<ValidatedBatch>(std::move(parsed).value());
  rejected_.Inc(batch->results.size() - batch->patches.size());
  if (batch->patches.empty()) return respond(BatchResultsResponse(*batch));

  std::vector<model::ProductPatch> patches = std::move(batch->patches);
  stock_.UpdateAsync(
      principal.merchant_id, std::move(patches), model::StockSource::kApi,
      [this, batch, respond = std::move(respond)](
          Result<std::vector<catalog::PatchOutcome>> outcomes) mutable {
        // This runs on the database writer, after the commit. Rendering here costs about
        // 35 ns per element (bench/micro_bench: 34 µs for 1,000), far less than handing the
        // request to a worker thread and back, which showed as futex wake-ups and context
        // switches in profiles of single-product PATCHes; `respond` itself only posts to
        // the session.
        if (!outcomes.ok()) {
          spdlog::error("stock update failed: {}", outcomes.status().ToString());
          return respond(ResponseForStatus(outcomes.status()));
        }
        for (std::size_t k = 0; k < batch->patch_index.size(); ++k) {
          bool found = (*outcomes)[k] != catalog::PatchOutcome::kNotFound;
          batch->results[batch->patch_index[k]].status = found ? 200 : 404;
          (found ? applied_ : not_found_).Inc();
        }
        respond(BatchResultsResponse(*batch));
      });
}

}  // namespace restock::api
