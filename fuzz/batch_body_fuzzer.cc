// Fuzzes the batch body path of PATCH /products-batch/update/ short of the database:
// api::ParseBatchBody (JSON -> RawElements), catalog::ValidateElement (the product rules)
// and api::RenderBatchResults (the 207 body). Besides the sanitizers it checks that:
//   - a parsed batch has one product_id rendering per element, within the element cap;
//   - each element validates to exactly one of a patch or errors, and a patch's product_id
//     is 1..64 bytes, its counts (if_inventory included) are non-negative, and it never
//     carries both `inventory` and `inventory_adjust`;
//   - the rendered 207 body is always valid JSON with one result per element, and a 409
//     entry carries `detail` and `current`.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
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
      FUZZ_CHECK(NonNegative(v.patch->if_inventory));
      FUZZ_CHECK(!(v.patch->inventory && v.patch->inventory_adjust));
      // Every outcome an applied element can have, 409 with or without a tracked count.
      switch (i % 4) {
        case 0:
          results[i].status = 200;
          break;
        case 1:
          results[i].status = 404;
          break;
        default: {
          std::optional<std::int64_t> current;  // untracked, or a tracked count
          if (i % 4 == 2) current = static_cast<std::int64_t>(i);
          results[i] = api::ElementResult{409, {}, "conflict \"quoted\"", current};
        }
      }
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
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto* entry = (*list)[i].if_object();
    FUZZ_CHECK(entry && entry->at("status").as_int64() == results[i].status);
    if (results[i].status != 409) continue;
    FUZZ_CHECK(entry->contains("detail") && entry->contains("current"));
    const auto* current = entry->at("current").if_object();
    FUZZ_CHECK(current && current->contains("inventory"));
  }
  return 0;
}
