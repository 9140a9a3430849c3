#include "auth/signature.h"

#include "auth/json_text.h"
#include "core/crypto.h"

namespace restock::auth {

std::string ComputeSignature(std::string_view secret, std::string_view sig_field, std::int64_t ts) {
  std::string message;
  message.reserve(sig_field.size() + 21);
  message.append(sig_field);
  message += '|';
  message += std::to_string(ts);
  return Base64Encode(HmacSha256(secret, message));
}

std::string SignedAuthorizationHeader(std::string_view public_id, std::string_view sig_field,
                                      std::string_view secret, std::int64_t ts) {
  std::string out = "{\"public_id\":";
  out += internal::JsonQuoteAscii(public_id);
  out += ",\"ts\":";
  out += std::to_string(ts);
  out += ",\"sig_field\":";
  out += internal::JsonQuoteAscii(sig_field);
  out += ",\"sig\":";
  out += internal::JsonQuoteAscii(ComputeSignature(secret, sig_field, ts));
  out += '}';
  return out;
}

}  // namespace restock::auth
