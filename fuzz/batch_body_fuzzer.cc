// Fuzzes the batch body path of PATCH /products-batch/update/ short of the database:
// api::ParseBatchBody (JSON -> RawElements), catalog::ValidateElement (the product rules)
// and api::RenderBatchResults (the 207 body). Besides the sanitizers it checks that:
//   - a parsed batch has one product_id rendering per element, within the element cap;
//   - each element validates to exactly one of a patch or errors, and a patch's product_id
//     is 1..64 bytes and its counts are non-negative;
//   - the rendered 207 body is always valid JSON with one result per element.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "api/batch_body.h"
#include "catalog/validation.h"
#include "fuzz_check.h"

namespace {

bool NonNegative(const std::optional<std::optional<std::int64_t>>& count) {
  return !count || !*count || **count >= 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace restock;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const api::BatchLimits limits{/*max_elements=*/1000, /*max_depth=*/32};
  auto parsed = api::ParseBatchBody(body, limits);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == StatusCode::kInvalidArgument ||
               parsed.status().code() == StatusCode::kResourceExhausted);
    return 0;
  }
  FUZZ_CHECK(parsed->elements.size() <= limits.max_elements);
  FUZZ_CHECK(parsed->elements.size() == parsed->product_id_json.size());

  std::vector<api::ElementResult> results(parsed->elements.size());
  for (std::size_t i = 0; i < parsed->elements.size(); ++i) {
    catalog::ValidatedElement v = catalog::ValidateElement(parsed->elements[i]);
    FUZZ_CHECK(v.patch.has_value() == v.errors.empty());
    if (v.patch) {
      FUZZ_CHECK(!v.patch->product_id.empty() && v.patch->product_id.size() <= 64);
      FUZZ_CHECK(NonNegative(v.patch->inventory));
      FUZZ_CHECK(NonNegative(v.patch->low_stock_threshold));
      FUZZ_CHECK(NonNegative(v.patch->price_cents));
      results[i].status = (i % 2 == 0) ? 200 : 404;
    } else {
      for (const auto& [field, messages] : v.errors) {
        FUZZ_CHECK(!field.empty() && !messages.empty());
      }
      results[i] = api::ElementResult{400, std::move(v.errors), {}, {}};
    }
  }

  const std::string rendered = api::RenderBatchResults(parsed->product_id_json, results);
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(rendered, ec);
  FUZZ_CHECK(!ec);
  const auto* envelope = doc.if_object();
  FUZZ_CHECK(envelope && envelope->size() == 1 && envelope->contains("results"));
  const auto* list = envelope->at("results").if_array();
  FUZZ_CHECK(list && list->size() == results.size());
  return 0;
}
