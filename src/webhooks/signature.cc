#include "webhooks/signature.h"

#include "core/crypto.h"

namespace restock::webhooks {

std::string SignatureHeaderValue(const std::vector<std::string>& secrets, std::int64_t ts,
                                 std::string_view body) {
  const std::string stamp = std::to_string(ts);
  std::string message;
  message.reserve(stamp.size() + 1 + body.size());
  message.append(stamp).append(".").append(body);
  std::string out = "ts=" + stamp;
  for (const std::string& secret : secrets) {
    out += ",sig=";
    out += HexEncode(HmacSha256(secret, message));
  }
  return out;
}

std::vector<std::string> SigningSecrets(const model::WebhookEndpoint& endpoint, UnixMicros now) {
  std::vector<std::string> secrets{endpoint.secret};
  if (!endpoint.previous_secret.empty() && now < endpoint.previous_secret_expires) {
    secrets.push_back(endpoint.previous_secret);
  }
  return secrets;
}

}  // namespace restock::webhooks
