#include "auth/signature.h"

#include "core/crypto.h"
#include "core/json_text.h"

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
  out += core::JsonQuote(public_id, core::JsonQuoting::kAscii);
  out += ",\"ts\":";
  out += std::to_string(ts);
  out += ",\"sig_field\":";
  out += core::JsonQuote(sig_field, core::JsonQuoting::kAscii);
  out += ",\"sig\":";
  out += core::JsonQuote(ComputeSignature(secret, sig_field, ts), core::JsonQuoting::kAscii);
  out += '}';
  return out;
}

}  // namespace restock::auth
