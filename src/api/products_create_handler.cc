#include "api/products_create_handler.h"

#include <memory>

namespace restock::api {
namespace {

http::Response MultiStatus(std::string body) {
  http::Response r;
  r.status = 207;
  r.body = std::move(body);
  return r;
}

}  // namespace

void ProductsCreateHandler::ServeAsync(std::shared_ptr<const http::Request> request,
                                       const auth::Principal& principal, http::Respond respond) {
  if (auto unsupported = RequireJson(*request)) return respond(std::move(*unsupported));
  if (auto force = request->QueryParam("force_all_fields")) {
    if (*force != "true" && *force != "false" && *force != "True" && *force != "False") {
      return respond(http::ErrorResponse(400, "force_all_fields must be true or false."));
    }
  }
  Result<ParsedBatch> parsed = ParseBatchBody(request->body, limits_);
  if (!parsed.ok()) {
    int code = parsed.status().code() == StatusCode::kResourceExhausted ? 413 : 400;
    return respond(http::ErrorResponse(code, parsed.status().message()));
  }
  auto batch = std::make_shared<ParsedBatch>(std::move(parsed).value());
  auto results = std::make_shared<std::vector<ElementResult>>(batch->elements.size());
  std::vector<model::ProductPatch> patches;
  std::vector<std::size_t> patch_index;  // patches[k] is element patch_index[k]
  for (std::size_t i = 0; i < batch->elements.size(); ++i) {
    catalog::ValidatedElement v = catalog::ValidateElement(batch->elements[i]);
    if (!v.patch) {
      (*results)[i] = ElementResult{400, std::move(v.errors)};
      continue;
    }
    patches.push_back(std::move(*v.patch));
    patch_index.push_back(i);
  }
  if (patches.empty()) {
    return respond(MultiStatus(RenderBatchResults(batch->product_id_json, *results)));
  }
  stock_.CreateAsync(
      principal.merchant_id, std::move(patches), model::StockSource::kApi,
      [this, request, batch, results, patch_index = std::move(patch_index),
       respond = std::move(respond)](Result<std::vector<catalog::PatchOutcome>> outcomes) {
        // On the database writer: render on a worker.
        auto shared =
            std::make_shared<Result<std::vector<catalog::PatchOutcome>>>(std::move(outcomes));
        Post([request, batch, results, patch_index, respond, shared]() {
          if (!shared->ok()) return respond(ToResponse(*request, shared->status()));
          for (std::size_t k = 0; k < patch_index.size(); ++k) {
            if ((**shared)[k] == catalog::PatchOutcome::kAlreadyExists) {
              (*results)[patch_index[k]] = ElementResult{
                  400, {{"product_id", {"a product with this product_id already exists"}}}};
            }
          }
          respond(MultiStatus(RenderBatchResults(batch->product_id_json, *results)));
        });
      });
}

}  // namespace restock::api
