// restock::json — JSON renderings of the hand-off's model types (docs/handoff.md), shared by
// the HTTP and CLI adapters. Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "model/handoff.h"

namespace restock::json {

// {"url" (user:password@ hidden),"format","concurrency","timeout_ms","max_retries"}, or null.
boost::json::value PlacementTargetToJson(const std::optional<model::PlacementTarget>& target);

// {"customer","name","email","locale","shipping_address","billing_address",
//  "has_payment_token"}: an address is an object of its ten fields, or null when empty.
// The payment token itself is never rendered.
boost::json::object ContactToJson(const model::CustomerContact& contact);

}  // namespace restock::json
