#include "api/products_create_handler.h"

#include <memory>

#include "api/status_mapping.h"

namespace restock::api {

void ProductsCreateHandler::ServeAsync(std::shared_ptr<const http::Request> request,
                                       const auth::Principal& principal, http::Respond respond) {
  if (auto unsupported = RequireJson(*request)) return respond(std::move(*unsupported));
  if (auto force = request->QueryParam("force_all_fields")) {
    if (*force != "true" && *force != "false" && *force != "True" && *force != "False") {
      return respond(http::ErrorResponse(400, "force_all_fields must be true or false."));
    }
  }
  Result<ValidatedBatch> parsed = ParseAndValidateBatch(request->body, limits_);
  if (!parsed.ok()) return respond(ResponseForBodyError(parsed.status()));
  auto batch = std::make_shared<ValidatedBatch>(std::move(parsed).value());
  if (batch->patches.empty()) return respond(BatchResultsResponse(*batch));

  std::vector<model::ProductPatch> patches = std::move(batch->patches);
  stock_.CreateAsync(
      principal.merchant_id, std::move(patches), model::StockSource::kApi,
      [this, request, batch,
       respond = std::move(respond)](Result<std::vector<catalog::PatchOutcome>> outcomes) {
        // On the database writer: render on a worker.
        auto shared =
            std::make_shared<Result<std::vector<catalog::PatchOutcome>>>(std::move(outcomes));
        Post([request, batch, respond, shared]() {
          if (!shared->ok()) return respond(ToResponse(*request, shared->status()));
          for (std::size_t k = 0; k < batch->patch_index.size(); ++k) {
            if ((**shared)[k] == catalog::PatchOutcome::kAlreadyExists) {
              batch->results[batch->patch_index[k]] = ElementResult{
                  400, {{"product_id", {"a product with this product_id already exists"}}}};
            }
          }
          respond(BatchResultsResponse(*batch));
        });
      });
}

}  // namespace restock::api
