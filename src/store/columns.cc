#include "store/columns.h"

#include <limits>
#include <optional>

namespace restock::store {

std::int64_t LimitValue(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit < kMax ? limit : kMax);
}

std::string JoinEventTypes(const std::vector<model::WebhookEventType>& types) {
  std::string out;
  for (model::WebhookEventType t : types) {
    if (!out.empty()) out += ',';
    out += model::WebhookEventTypeName(t);
  }
  return out;
}

Result<model::WebhookEventType> ParseStoredEventType(std::string_view name) {
  std::optional<model::WebhookEventType> t = model::ParseWebhookEventType(name);
  if (!t) return InternalError("database error: unknown webhook event type stored");
  return *t;
}

Result<std::vector<model::WebhookEventType>> SplitEventTypes(std::string_view text) {
  std::vector<model::WebhookEventType> out;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEventType t,
                             ParseStoredEventType(text.substr(0, comma)));
    out.push_back(t);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

namespace {
constexpr char kFieldSeparator = '\x1f';
}  // namespace

std::string EncodeAddress(const model::Address& address) {
  if (address.empty()) return "";
  std::string out;
  for (std::string_view name : model::kAddressFields) {
    if (name != model::kAddressFields.front()) out += kFieldSeparator;
    out += *model::AddressField(address, name);
  }
  return out;
}

Result<model::Address> DecodeAddress(std::string_view text) {
  model::Address address;
  if (text.empty()) return address;
  for (std::string_view name : model::kAddressFields) {
    std::size_t end = text.find(kFieldSeparator);
    if ((end == std::string_view::npos) != (name == model::kAddressFields.back())) {
      return InternalError("database error: malformed address stored");
    }
    *model::AddressField(address, name) = std::string(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return address;
}

Status DescribeDuplicate(Status status, const char* what) {
  if (status.code() == StatusCode::kAlreadyExists) return AlreadyExistsError(what);
  return status;
}

}  // namespace restock::store
