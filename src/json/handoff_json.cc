#include "json/handoff_json.h"

#include "core/redact.h"

namespace restock::json {
namespace {

boost::json::value AddressToJson(const model::Address& address) {
  if (address.empty()) return nullptr;
  boost::json::object out;
  for (std::string_view name : model::kAddressFields) {
    out[name] = *model::AddressField(address, name);
  }
  return out;
}

}  // namespace

boost::json::value PlacementTargetToJson(const std::optional<model::PlacementTarget>& target) {
  if (!target) return nullptr;
  return boost::json::object{{"url", core::RedactUrlPassword(target->url)},
                             {"format", model::PlacementFormatName(target->format)},
                             {"concurrency", target->concurrency},
                             {"timeout_ms", target->timeout_ms},
                             {"max_retries", target->max_retries}};
}

boost::json::object ContactToJson(const model::CustomerContact& c) {
  return boost::json::object{{"customer", c.customer_id},
                             {"name", c.name},
                             {"email", c.email},
                             {"locale", c.locale},
                             {"shipping_address", AddressToJson(c.shipping)},
                             {"billing_address", AddressToJson(c.billing)},
                             {"has_payment_token", !c.payment_token.empty()}};
}

}  // namespace restock::json
