// restock::catalog — the rules for a product update element (docs/api.md "Batch update"): which
// fields exist, their types and ranges. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/raw_element.h"
#include "model/product.h"

namespace restock::catalog {

// Field name -> messages, in the order the problems were found.
using FieldErrors = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct ValidatedElement {
  std::optional<model::ProductPatch> patch;  // set exactly when errors is empty
  FieldErrors errors;
};

// Validates one element: product_id a string of 1..64 bytes, and any updatable field of the
// right type and range. Unknown fields are ignored. An element that is not an object
// reports under "non_field_errors".
ValidatedElement ValidateElement(const RawElement& element);

}  // namespace restock::catalog
