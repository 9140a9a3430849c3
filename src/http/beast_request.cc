#include "http/beast_request.h"

#include <iterator>
#include <utility>

#include "http/percent_decode.h"

namespace restock::http {

Request RequestFromBeast(boost::beast::http::request<boost::beast::http::string_body>& message,
                         std::string remote_address) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const std::size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  DecodeUnreservedEscapes(request.path);  // before routing: "/%68ealthz" is "/healthz"
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    std::string name(field.name_string());
    // Header names are ASCII tokens; std::tolower would consult the locale per character.
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote_address);
  return request;
}

}  // namespace restock::http
