#include "api/batch_body.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/json_text.h"
#include "http/message.h"
#include "json/model_json.h"

namespace restock::api {

namespace json = boost::json;

namespace {

// True when `v` holds, anywhere inside it, a number too large for a double: Boost.JSON parses
// it as infinity and would serialise it as `Infinity`, which is not JSON. Recursion is
// bounded by the parser's depth limit.
bool HoldsNonFinite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return !std::isfinite(v.get_double());
    case json::kind::array:
      for (const json::value& e : v.get_array()) {
        if (HoldsNonFinite(e)) return true;
      }
      return false;
    case json::kind::object:
      for (const auto& member : v.get_object()) {
        if (HoldsNonFinite(member.value())) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

Result<ParsedBatch> ParseBatchBody(std::string_view body, const BatchLimits& limits) {
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::monotonic_resource arena;
  json::parser parser(&arena, options);
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  if (ec) return InvalidArgumentError("JSON parse error: " + ec.message() + ".");
  json::value root = parser.release();
  if (!root.is_array()) return InvalidArgumentError("Expected a JSON array of products.");
  const json::array& items = root.get_array();
  if (items.size() > limits.max_elements) {
    return ResourceExhaustedError("Too many elements: at most " +
                                  std::to_string(limits.max_elements) + " per request.");
  }
  ParsedBatch out;
  out.elements.resize(items.size());
  out.product_id_json.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.elements[i] = restock::json::RawElementFromJson(items[i]);
    const json::object* object = items[i].if_object();
    const json::value* id = object ? object->if_contains("product_id") : nullptr;
    // An id holding a number too large for a double, even inside an array or object, is
    // echoed as null (found twice by fuzz/batch_body_fuzzer).
    const bool non_finite = id && HoldsNonFinite(*id);
    out.product_id_json.push_back(id && !non_finite ? json::serialize(*id) : std::string("null"));
  }
  return out;
}

Result<ValidatedBatch> ParseAndValidateBatch(std::string_view body, const BatchLimits& limits) {
  Result<ParsedBatch> parsed = ParseBatchBody(body, limits);
  if (!parsed.ok()) return parsed.status();
  ValidatedBatch out;
  out.product_id_json = std::move(parsed->product_id_json);
  out.results.resize(parsed->elements.size());
  out.patches.reserve(parsed->elements.size());
  out.patch_index.reserve(parsed->elements.size());
  for (std::size_t i = 0; i < parsed->elements.size(); ++i) {
    catalog::ValidatedElement v = catalog::ValidateElement(parsed->elements[i]);
    if (!v.patch) {
      out.results[i] = ElementResult{400, std::move(v.errors), {}, {}};
      continue;
    }
    out.patches.push_back(std::move(*v.patch));
    out.patch_index.push_back(i);
  }
  return out;
}

void RecordOutcomes(const catalog::PatchResults& results, ValidatedBatch& batch) {
  for (std::size_t k = 0; k < batch.patch_index.size(); ++k) {
    ElementResult& r = batch.results[batch.patch_index[k]];
    switch (results.outcomes[k]) {
      case catalog::PatchOutcome::kCreated:
      case catalog::PatchOutcome::kUpdated:
      case catalog::PatchOutcome::kUnchanged:
        r = ElementResult{};
        break;
      case catalog::PatchOutcome::kNotFound:
        r = ElementResult{404, {}, {}, {}};
        break;
      case catalog::PatchOutcome::kAlreadyExists:
        r = ElementResult{
            400, {{"product_id", {"a product with this product_id already exists"}}}, {}, {}};
        break;
      case catalog::PatchOutcome::kConflict: {
        const catalog::PatchResults::Conflict& c = results.conflicts[k];
        r = ElementResult{409, {}, catalog::ConflictMessage(c.reason), c.inventory};
        break;
      }
    }
  }
}

http::Response BatchResultsResponse(const ValidatedBatch& batch) {
  http::Response r;
  r.status = 207;
  r.body = RenderBatchResults(batch.product_id_json, batch.results);
  return r;
}

std::string RenderBatchResults(const std::vector<std::string>& product_id_json,
                               const std::vector<ElementResult>& results) {
  std::string out;
  out.reserve(32 + results.size() * 48);
  out += "{\"results\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"product_id\":";
    out += product_id_json[i];
    out += ",\"status\":";
    out += std::to_string(results[i].status);
    if (!results[i].errors.empty()) {
      out += ",\"errors\":{";
      bool first_field = true;
      for (const auto& [field, messages] : results[i].errors) {
        if (!first_field) out += ',';
        first_field = false;
        out += core::JsonQuote(field);
        out += ":[";
        for (std::size_t m = 0; m < messages.size(); ++m) {
          if (m > 0) out += ',';
          out += core::JsonQuote(messages[m]);
        }
        out += ']';
      }
      out += '}';
    }
    if (results[i].status == 409) {
      out += ",\"detail\":";
      out += core::JsonQuote(results[i].detail);
      out += ",\"current\":{\"inventory\":";
      const std::optional<std::int64_t>& current = results[i].current_inventory;
      out += current ? std::to_string(*current) : std::string("null");
      out += '}';
    }
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace restock::api
