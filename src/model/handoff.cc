#include "model/handoff.h"

namespace restock::model {

std::string_view PlacementFormatName(PlacementFormat f) {
  return f == PlacementFormat::kJson ? "json" : "xml";
}

std::optional<PlacementFormat> ParsePlacementFormat(std::string_view name) {
  if (name == "xml") return PlacementFormat::kXml;
  if (name == "json") return PlacementFormat::kJson;
  return std::nullopt;
}

std::string* AddressField(Address& a, std::string_view name) {
  std::array<std::string*, kAddressFields.size()> fields = {
      &a.first_name, &a.last_name, &a.company, &a.address1, &a.address2,
      &a.city,       &a.state,     &a.zip,     &a.country,  &a.phone};
  for (std::size_t i = 0; i < kAddressFields.size(); ++i) {
    if (kAddressFields[i] == name) return fields[i];
  }
  return nullptr;
}

const std::string* AddressField(const Address& a, std::string_view name) {
  return AddressField(const_cast<Address&>(a), name);
}

std::string IdempotencyKey(const HandoffRequest& request) {
  std::string key = std::to_string(request.order_id);
  if (request.sequence > 1) key += "-" + std::to_string(request.sequence);
  return key;
}

}  // namespace restock::model
