// restock::api — the JSON adapter for the batch endpoints: body -> neutral RawElements,
// per-element results -> response body. Knows JSON, not the product rules (catalog/).
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/raw_element.h"
#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "core/result.h"
#include "http/message.h"
#include "model/product.h"

namespace restock::api {

struct BatchLimits {
  std::size_t max_elements = 10'000;
  std::size_t max_depth = 32;
};

struct ParsedBatch {
  std::vector<catalog::RawElement> elements;
  // Per element, the JSON text of its "product_id" as sent, or "null" when absent.
  std::vector<std::string> product_id_json;
};

// Parses a batch body: a JSON array of elements.
// InvalidArgument: malformed JSON, invalid UTF-8, nesting deeper than max_depth, or not an
// array. ResourceExhausted: more than max_elements elements.
Result<ParsedBatch> ParseBatchBody(std::string_view body, const BatchLimits& limits);

struct ElementResult {
  int status = 200;             // 200 | 400 | 404 | 409
  catalog::FieldErrors errors;  // only for 400
  // Only for 409: why, and the stored inventory the element was checked against.
  std::string_view detail;
  std::optional<std::int64_t> current_inventory;  // nullopt = untracked
};

// A batch body parsed and every element validated (catalog::ValidateElement), in input order.
struct ValidatedBatch {
  std::vector<std::string> product_id_json;  // as in ParsedBatch
  std::vector<ElementResult> results;        // one per element: 400 with errors when invalid
  std::vector<model::ProductPatch> patches;  // the valid elements, to apply
  std::vector<std::size_t> patch_index;      // patches[k] is element patch_index[k]
};

// ParseBatchBody, then ValidateElement on each element: the one parse/validate loop of the
// batch endpoints (update and create). Errors as ParseBatchBody's.
Result<ValidatedBatch> ParseAndValidateBatch(std::string_view body, const BatchLimits& limits);

// Sets the result of each element of `batch` that reached the store from `results` (aligned
// with the patches it held): 200 applied (or already so), 404 no such product, 400 exists
// already (creating), 409 an inventory conflict (catalog::Conflicts) with its detail and the
// stored inventory.
void RecordOutcomes(const catalog::PatchResults& results, ValidatedBatch& batch);

// {"results":[{"product_id":…,"status":…[,"errors":{…}][,"detail":…,"current":{…}]},…]}.
// REQUIRES: results.size() == product_id_json.size().
std::string RenderBatchResults(const std::vector<std::string>& product_id_json,
                               const std::vector<ElementResult>& results);

// The 207 response holding RenderBatchResults of `batch`.
http::Response BatchResultsResponse(const ValidatedBatch& batch);

}  // namespace restock::api
