#include "http/message.h"

#include "core/json_text.h"
#include "http/percent_decode.h"

namespace restock::http {

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    if (PercentDecode(raw_key, /*plus_as_space=*/true) != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return PercentDecode(pair.substr(eq + 1), /*plus_as_space=*/true);
  }
  return std::nullopt;
}

Response ErrorResponse(int status, std::string_view detail) {
  Response response;
  response.status = status;
  response.body = "{\"detail\":" + core::JsonQuote(detail) + "}";
  return response;
}


}  // namespace restock::http
