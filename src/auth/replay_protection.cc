#include "auth/replay_protection.h"

#include "core/crypto.h"
#include "core/text.h"

namespace restock::auth {
namespace {

Status Malformed() { return InvalidArgumentError("Malformed X-Restock-Signature header."); }

}  // namespace

Result<BodySignature> ParseBodySignatureHeader(std::string_view value) {
  std::optional<std::string_view> ts_text, sig_text;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = core::TrimBlanks(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Malformed();
    std::string_view key = item.substr(0, eq);
    std::string_view val = item.substr(eq + 1);
    auto& slot = key == "ts" ? ts_text : key == "sig" ? sig_text : ts_text;
    if ((key != "ts" && key != "sig") || slot) return Malformed();
    slot = val;
  }
  if (!ts_text || !sig_text || ts_text->empty() || ts_text->size() > 18 || sig_text->size() != 64) {
    return Malformed();
  }
  BodySignature out;
  for (char c : *ts_text) {
    if (c < '0' || c > '9') return Malformed();
    out.ts = out.ts * 10 + (c - '0');
  }
  out.sig_hex.reserve(64);
  for (char c : *sig_text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return Malformed();
    out.sig_hex.push_back(c);
  }
  return out;
}

std::string ComputeBodySignature(std::string_view secret, std::int64_t ts, std::string_view body) {
  std::string message = std::to_string(ts);
  message.push_back('.');
  message.append(body);
  return HexEncode(HmacSha256(secret, message));
}

}  // namespace restock::auth
