#include "api/products_create_handler.h"

#include <memory>

#include "api/idempotency.h"
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
  Result<std::optional<catalog::IdempotencyKey>> key =
      IdempotencyKeyOf(*request, "POST /products-batch/create/");
  if (!key.ok()) return respond(ResponseForStatus(key.status()));
  Result<ValidatedBatch> parsed = ParseAndValidateBatch(request->body, limits_);
  if (!parsed.ok()) return respond(ResponseForBodyError(parsed.status()));
  auto batch = std::make_shared<ValidatedBatch>(std::move(parsed).value());
  if (*key) {
    return SubmitKeyedBatch(stock_, principal.merchant_id, std::move(batch),
                            catalog::ApplyMode::kCreate, std::move(**key), std::move(respond));
  }
  if (batch->patches.empty()) return respond(BatchResultsResponse(*batch));

  std::vector<model::ProductPatch> patches = std::move(batch->patches);
  stock_.CreateAsync(
      principal.merchant_id, std::move(patches), model::StockSource::kApi,
      [this, request, batch, respond = std::move(respond)](Result<catalog::PatchResults> outcomes) {
        // On the database writer: render on a worker.
        auto shared = std::make_shared<Result<catalog::PatchResults>>(std::move(outcomes));
        Post([request, batch, respond, shared]() {
          if (!shared->ok()) return respond(ToResponse(*request, shared->status()));
          RecordOutcomes(**shared, *batch);
          respond(BatchResultsResponse(*batch));
        });
      });
}

}  // namespace restock::api
