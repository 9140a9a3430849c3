#include "api/idempotency.h"

#include <string>
#include <utility>
#include <vector>

#include "api/status_mapping.h"
#include "core/crypto.h"

namespace restock::api {

Result<std::optional<catalog::IdempotencyKey>> IdempotencyKeyOf(const http::Request& request,
                                                                std::string_view endpoint) {
  std::optional<std::string_view> value;
  for (const auto& [name, v] : request.headers) {
    if (name != "idempotency-key") continue;
    if (value) return InvalidArgumentError("Idempotency-Key may be sent only once.");
    value = v;
  }
  if (!value) return std::optional<catalog::IdempotencyKey>();
  if (!catalog::IsValidIdempotencyKey(*value)) {
    return InvalidArgumentError("Idempotency-Key must be 1 to 255 printable ASCII characters.");
  }
  std::string hashed(endpoint);
  hashed += '\n';
  hashed += request.body;
  return std::optional<catalog::IdempotencyKey>(
      catalog::IdempotencyKey{std::string(*value), HexEncode(Sha256(hashed))});
}

namespace {

http::Response ResponseForAnswer(catalog::KeyedAnswer answer) {
  if (answer.kind == catalog::KeyedAnswer::Kind::kMismatch) {
    return http::ErrorResponse(422,
                               "This Idempotency-Key was already used with a different request.");
  }
  http::Response r;
  r.status = answer.answer.status;
  r.body = std::move(answer.answer.body);
  if (answer.kind == catalog::KeyedAnswer::Kind::kReplayed) {
    r.headers.emplace_back("Idempotent-Replayed", "true");
  }
  return r;
}

}  // namespace

void SubmitKeyedBatch(catalog::StockService& stock, model::MerchantId merchant,
                      std::shared_ptr<ValidatedBatch> batch, catalog::ApplyMode mode,
                      catalog::IdempotencyKey key, http::Respond respond,
                      std::function<void(const ValidatedBatch&)> applied) {
  std::vector<model::ProductPatch> patches = std::move(batch->patches);
  stock.SubmitKeyedAsync(
      merchant, std::move(patches), model::StockSource::kApi, mode, std::move(key),
      [batch](const catalog::PatchResults& results) {
        // Inside the transaction: the 207 is stored with the changes it reports.
        RecordOutcomes(results, *batch);
        return catalog::Answer{207, RenderBatchResults(batch->product_id_json, batch->results)};
      },
      [batch, respond = std::move(respond),
       applied = std::move(applied)](Result<catalog::KeyedAnswer> answer) {
        if (!answer.ok()) return respond(ResponseForStatus(answer.status()));
        if (applied && answer->kind == catalog::KeyedAnswer::Kind::kApplied) applied(*batch);
        respond(ResponseForAnswer(std::move(answer).value()));
      });
}

}  // namespace restock::api
