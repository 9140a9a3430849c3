// restock::handoff — the body of a hand-off request (docs/handoff.md, "The request"):
// Ordergroove's XML order document (text values in CDATA), or the same fields as JSON in
// snake_case. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/handoff.h"
#include "model/order.h"
#include "model/product.h"
#include "model/subscription.h"

namespace restock::handoff {

// One line of the document: the order's item with what the store knows of its product and
// subscription (either may be gone: the line then carries what the item holds).
struct DocumentItem {
  model::OrderItem item;
  std::optional<model::Product> product;
  std::optional<model::Subscription> subscription;
};

// Everything the document says. `request` gives the public id (its Idempotency-Key).
struct DocumentInput {
  model::HandoffRequest request;
  model::Order order;
  model::CustomerContact contact;
  std::vector<DocumentItem> items;
};

// The order document in `format`.
std::string RenderDocument(const DocumentInput& input, model::PlacementFormat format);

// "<order>…</order>" (docs/handoff.md lists the elements).
std::string RenderXml(const DocumentInput& input);
// The same fields as one JSON object in snake_case.
std::string RenderJson(const DocumentInput& input);

}  // namespace restock::handoff
