#include "handoff/contacts.h"

#include <algorithm>
#include <cctype>

#include "core/json_text.h"

namespace restock::handoff {
namespace {

Status CheckText(std::string_view field, std::string_view value) {
  auto refuse = [&](const char* why) {
    return InvalidArgumentError(std::string(field) + " " + why);
  };
  if (value.size() > kMaxContactValueBytes) return refuse("is longer than 1024 bytes");
  if (core::FirstInvalidUtf8(value)) return refuse("is not valid UTF-8");
  bool control = std::any_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
  if (control) return refuse("must not hold control characters");
  return Status::Ok();
}

Status CheckSpecial(std::string_view field, std::string_view value) {
  if (value.empty()) return Status::Ok();
  if (field == "email" && value.find('@') == std::string_view::npos) {
    return InvalidArgumentError("email must be an email address");
  }
  if (field == "locale") {
    bool ok = value.size() <= 35 && std::all_of(value.begin(), value.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!ok) return InvalidArgumentError("locale must be a locale tag such as en_US");
  }
  return Status::Ok();
}

// The string `field` names in `contact`; null when no field has that name.
std::string* FieldOf(model::CustomerContact& contact, std::string_view field) {
  if (field == "name") return &contact.name;
  if (field == "email") return &contact.email;
  if (field == "locale") return &contact.locale;
  if (field == "payment_token") return &contact.payment_token;
  constexpr std::string_view kShipping = "shipping_address.";
  constexpr std::string_view kBilling = "billing_address.";
  if (field.starts_with(kShipping)) {
    return model::AddressField(contact.shipping, field.substr(kShipping.size()));
  }
  if (field.starts_with(kBilling)) {
    return model::AddressField(contact.billing, field.substr(kBilling.size()));
  }
  return nullptr;
}

}  // namespace

Result<model::CustomerContact> ApplyContactChange(model::CustomerContact contact,
                                                  std::span<const ContactField> changes) {
  for (const ContactField& change : changes) {
    std::string* target = FieldOf(contact, change.field);
    if (target == nullptr) return InvalidArgumentError("unknown customer field " + change.field);
    RESTOCK_RETURN_IF_ERROR(CheckText(change.field, change.value));
    RESTOCK_RETURN_IF_ERROR(CheckSpecial(change.field, change.value));
    *target = change.value;
  }
  return contact;
}

Result<model::CustomerContact> UpdateContact(store::Database& db, model::MerchantId merchant,
                                             std::string_view customer_id,
                                             std::span<const ContactField> changes) {
  model::CustomerContact result;
  RESTOCK_RETURN_IF_ERROR(db.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto current, tx.handoff().FindContact(merchant, customer_id));
    if (!current) return NotFoundError("no such customer");
    RESTOCK_ASSIGN_OR_RETURN(result, ApplyContactChange(std::move(*current), changes));
    return tx.handoff().SaveContact(result);
  }));
  return result;
}

Result<model::CustomerContact> GetContact(store::Database& db, model::MerchantId merchant,
                                          std::string_view customer_id) {
  std::optional<model::CustomerContact> found;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(found, tx.handoff().FindContact(merchant, customer_id));
    return Status::Ok();
  }));
  if (!found) return NotFoundError("no such customer");
  return std::move(*found);
}

}  // namespace restock::handoff
