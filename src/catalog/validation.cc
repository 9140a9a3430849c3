#include "catalog/validation.h"

#include <algorithm>
#include <string_view>

#include "core/money.h"

namespace restock::catalog {
namespace {

using Kind = RawValue::Kind;

class ErrorSink {
 public:
  void Add(std::string_view field, std::string message) {
    for (auto& [name, messages] : errors_) {
      if (name == field) {
        messages.push_back(std::move(message));
        return;
      }
    }
    errors_.emplace_back(std::string(field), std::vector<std::string>{std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  FieldErrors Take() { return std::move(errors_); }

 private:
  FieldErrors errors_;
};

bool HasControlCharacter(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::optional<bool> ReadBool(std::string_view field, const RawValue& v, ErrorSink& sink) {
  if (v.kind == Kind::kBool) return v.boolean;
  sink.Add(field, "must be a boolean");
  return std::nullopt;
}

// Strings accept null as "clear this field".
std::optional<std::string> ReadText(std::string_view field, const RawValue& v,
                                    std::size_t max_bytes, ErrorSink& sink) {
  if (v.kind == Kind::kNull) return std::string();
  if (v.kind != Kind::kString) {
    sink.Add(field, "must be a string");
    return std::nullopt;
  }
  if (v.text.size() > max_bytes) {
    sink.Add(field, "must be at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return v.text;
}

// Non-negative integer or null (null = untracked / none).
std::optional<std::optional<std::int64_t>> ReadCount(std::string_view field, const RawValue& v,
                                                      ErrorSink& sink) {
  if (v.kind == Kind::kNull) return std::optional<std::int64_t>();
  if (v.kind == Kind::kInt && v.integer >= 0) return std::optional<std::int64_t>(v.integer);
  if (v.kind == Kind::kBigInt) {
    sink.Add(field, "is out of range");
  } else {
    sink.Add(field, "must be a non-negative integer or null");
  }
  return std::nullopt;
}

// Any integer, negative included.
std::optional<std::int64_t> ReadDelta(std::string_view field, const RawValue& v, ErrorSink& sink) {
  if (v.kind == Kind::kInt) return v.integer;
  sink.Add(field, v.kind == Kind::kBigInt ? "is out of range" : "must be an integer");
  return std::nullopt;
}

std::optional<std::optional<std::int64_t>> ReadPrice(const RawValue& v, ErrorSink& sink) {
  std::optional<std::int64_t> cents;
  switch (v.kind) {
    case Kind::kNull: return std::optional<std::int64_t>();
    case Kind::kInt:
    case Kind::kDouble: cents = PriceCentsFromDouble(v.number); break;
    case Kind::kString: cents = ParsePriceCents(v.text); break;
    default: break;
  }
  if (!cents) {
    sink.Add("price",
             "must be a non-negative number or decimal string with at most two decimal places, "
             "up to 99999999.99");
    return std::nullopt;
  }
  return cents;
}

void ReadProductId(const RawValue& v, model::ProductPatch& patch, ErrorSink& sink) {
  if (v.kind != Kind::kString) {
    sink.Add("product_id", "must be a string");
  } else if (v.text.empty() || v.text.size() > model::kMaxProductIdBytes) {
    sink.Add("product_id", "must be 1 to 64 bytes long");
  } else if (HasControlCharacter(v.text)) {
    sink.Add("product_id", "must not contain control characters");
  } else {
    patch.product_id = v.text;
  }
}

void ReadField(std::string_view name, const RawValue& v, model::ProductPatch& patch,
               ErrorSink& sink) {
  if (name == "live") {
    if (auto b = ReadBool(name, v, sink)) patch.live = *b;
  } else if (name == "discontinued") {
    if (auto b = ReadBool(name, v, sink)) patch.discontinued = *b;
  } else if (name == "autoship_enabled") {
    if (auto b = ReadBool(name, v, sink)) patch.autoship_enabled = *b;
  } else if (name == "name") {
    if (auto s = ReadText(name, v, model::kMaxNameBytes, sink)) patch.name = std::move(*s);
  } else if (name == "sku") {
    if (auto s = ReadText(name, v, model::kMaxSkuBytes, sink)) patch.sku = std::move(*s);
  } else if (name == "image_url") {
    if (auto s = ReadText(name, v, model::kMaxUrlBytes, sink)) patch.image_url = std::move(*s);
  } else if (name == "detail_url") {
    if (auto s = ReadText(name, v, model::kMaxUrlBytes, sink)) patch.detail_url = std::move(*s);
  } else if (name == "price") {
    if (auto p = ReadPrice(v, sink)) patch.price_cents = *p;
  } else if (name == "inventory") {
    if (auto c = ReadCount(name, v, sink)) patch.inventory = *c;
  } else if (name == "low_stock_threshold") {
    if (auto c = ReadCount(name, v, sink)) patch.low_stock_threshold = *c;
  } else if (name == "if_inventory") {
    if (auto c = ReadCount(name, v, sink)) patch.if_inventory = *c;
  } else if (name == "inventory_adjust") {
    if (auto d = ReadDelta(name, v, sink)) patch.inventory_adjust = *d;
  }
  // Unknown fields are ignored (docs/api.md "Batch update"), as Ordergroove does.
}

}  // namespace

ValidatedElement ValidateElement(const RawElement& element) {
  ErrorSink sink;
  if (!element.is_object) {
    sink.Add("non_field_errors", "must be an object");
    return {std::nullopt, sink.Take()};
  }
  model::ProductPatch patch;
  bool has_product_id = false;
  for (const auto& [name, value] : element.fields) {
    if (name == "product_id") {
      has_product_id = true;
      ReadProductId(value, patch, sink);
    } else {
      ReadField(name, value, patch, sink);
    }
  }
  if (!has_product_id) sink.Add("product_id", "is required");
  // An absolute count and a delta in one element would make its meaning depend on their
  // order: refused, naming both.
  const bool has_inventory = std::any_of(element.fields.begin(), element.fields.end(),
                                         [](const auto& f) { return f.first == "inventory"; });
  const bool has_adjust = std::any_of(element.fields.begin(), element.fields.end(),
                                      [](const auto& f) { return f.first == "inventory_adjust"; });
  if (has_inventory && has_adjust) {
    sink.Add("inventory", "cannot be combined with inventory_adjust");
    sink.Add("inventory_adjust", "cannot be combined with inventory");
  }
  if (!sink.empty()) return {std::nullopt, sink.Take()};
  return {std::move(patch), {}};
}

}  // namespace restock::catalog
