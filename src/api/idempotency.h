// restock::api — the Idempotency-Key header of the batch endpoints (docs/api.md, "Idempotent
// retries"): reading it, submitting a keyed batch, and rendering the answer (applied, replayed
// with `Idempotent-Replayed: true`, or 422 for a key used with a different request). The
// rules live in catalog/idempotency.h. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "api/batch_body.h"
#include "catalog/idempotency.h"
#include "catalog/stock_update.h"
#include "core/result.h"
#include "http/message.h"

namespace restock::api {

// The request's Idempotency-Key: nullopt when absent; InvalidArgument when it is not 1 to 255
// printable ASCII characters, or is sent more than once. The request hash covers `endpoint`
// and the body as sent, byte for byte, so a key cannot replay another endpoint's request.
Result<std::optional<catalog::IdempotencyKey>> IdempotencyKeyOf(const http::Request& request,
                                                                std::string_view endpoint);

// Applies `batch` (its valid elements) through StockService::SubmitKeyedAsync with `mode`,
// then responds: the 207 (rendered and stored inside the transaction), the stored answer of
// an earlier request with the key (plus `Idempotent-Replayed: true`), 422 for a key used with
// a different request, or the error. `applied` (optional) runs with the batch's results when
// the request was applied now (for metrics), before `respond`.
void SubmitKeyedBatch(catalog::StockService& stock, model::MerchantId merchant,
                      std::shared_ptr<ValidatedBatch> batch, catalog::ApplyMode mode,
                      catalog::IdempotencyKey key, http::Respond respond,
                      std::function<void(const ValidatedBatch&)> applied = {});

}  // namespace restock::api
