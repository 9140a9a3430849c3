// restock::handoff — customers' contact details for the order document (docs/handoff.md,
// "Customers"): name, email, locale, shipping and billing addresses and an opaque payment
// token. Adapters (PATCH /customers/{id}/, `restock customer set`) pass field/value pairs;
// every rule about the values is here.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "model/handoff.h"
#include "store/database.h"

namespace restock::handoff {

// Longest value of any field, in bytes.
inline constexpr std::size_t kMaxContactValueBytes = 1024;

// One change: `field` is name, email, locale, payment_token, or shipping_address.F /
// billing_address.F with F one of model::kAddressFields. An empty value clears the field.
struct ContactField {
  std::string field;
  std::string value;
};

// `contact` with `changes` applied in order. InvalidArgument naming the field when a field
// is unknown or a value is refused (longer than kMaxContactValueBytes, not UTF-8, a control
// character, an email without '@', a locale other than letters, digits, '-' and '_').
Result<model::CustomerContact> ApplyContactChange(model::CustomerContact contact,
                                                  std::span<const ContactField> changes);

// Applies `changes` to the customer's stored contact in one transaction and returns the
// result. NotFound when the merchant has no such customer (customers come with their first
// subscription); InvalidArgument as ApplyContactChange, nothing changed.
Result<model::CustomerContact> UpdateContact(store::Database& db, model::MerchantId merchant,
                                             std::string_view customer_id,
                                             std::span<const ContactField> changes);

// The customer's contact. NotFound when the merchant has no such customer.
Result<model::CustomerContact> GetContact(store::Database& db, model::MerchantId merchant,
                                          std::string_view customer_id);

}  // namespace restock::handoff
