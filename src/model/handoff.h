// restock::model — handing placed orders to the merchant's platform (docs/handoff.md): where a
// merchant's orders go, and the contact details a customer's order document carries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/time_format.h"
#include "model/ids.h"

namespace restock::model {

// The body of a hand-off request: Ordergroove's XML order document, or the same fields as
// JSON in snake_case.
enum class PlacementFormat { kXml, kJson };

// "xml", "json".
std::string_view PlacementFormatName(PlacementFormat f);
// Inverse of PlacementFormatName; nullopt for anything else.
std::optional<PlacementFormat> ParsePlacementFormat(std::string_view name);

// A merchant's order placement endpoint. Without one, orders are placed at the decision.
struct PlacementTarget {
  std::string url;  // http or https; may hold user:password@ (never shown or logged)
  PlacementFormat format = PlacementFormat::kXml;
  int concurrency = 4;       // requests in flight at once for this merchant
  int timeout_ms = 30'000;   // per request: connect, send and the complete answer
  int max_retries = 3;       // further runs that retry a 999 or 140 answer
  bool operator==(const PlacementTarget&) const = default;
};

// A postal address as the order document carries it; every field optional (empty).
struct Address {
  std::string first_name, last_name, company, address1, address2, city, state, zip, country,
      phone;
  bool empty() const { return *this == Address{}; }
  bool operator==(const Address&) const = default;
};

// The fields of an address by name, in the order documents list them.
inline constexpr std::array<std::string_view, 10> kAddressFields = {
    "first_name", "last_name", "company", "address1", "address2",
    "city",       "state",     "zip",     "country",  "phone"};
// The field of `address` named `name` (one of kAddressFields); null for another name.
std::string* AddressField(Address& address, std::string_view name);
const std::string* AddressField(const Address& address, std::string_view name);

// What a customer's orders tell the merchant's platform about the customer. Every field is
// optional (empty). `payment_token` is opaque to restock (it never interprets payment data)
// and a secret: it goes only into hand-off requests, never into logs or listings.
struct CustomerContact {
  MerchantId merchant_id = 0;
  std::string customer_id;
  std::string name, email, locale;
  Address shipping, billing;
  std::string payment_token;
  bool operator==(const CustomerContact&) const = default;
};

// One request of the hand-off outbox (docs/handoff.md, "Delivery"): an order to send, or the
// re-send of its remaining items after an out-of-stock answer.
struct HandoffRequest {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::int64_t order_id = 0;
  int sequence = 1;      // 1: the order; n >= 2: the n-th send after out-of-stock answers
  int retries = 0;       // 999 and 140 answers so far
  CivilDate give_up_on;  // without an answer, rejected by the first run after this day
  UnixMicros created = 0;
  bool operator==(const HandoffRequest&) const = default;
};

// The request's Idempotency-Key: the order's public id ("<order id>"), "<order id>-<n>" for
// a re-send n >= 2.
std::string IdempotencyKey(const HandoffRequest& request);

}  // namespace restock::model
