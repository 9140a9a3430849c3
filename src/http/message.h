// restock::http — the plain request/response types at the seam between the socket layer
// (server.h) and the handlers. Handlers never see Asio or Beast types, so they are tested
// without sockets and fuzzed directly.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restock::http {

struct Request {
  std::string method;  // "GET", "PATCH", ... as sent
  std::string target;  // raw request target, e.g. "/orders/?status=placed"
  std::string path;    // target up to '?', escapes of unreserved characters decoded
  std::string query;   // after '?', without it; empty if none
  // Header names lower-cased, in arrival order; values as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // peer IP, for rate limits and logs

  // Returns the first header named `lower_name`, or nullopt.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // Returns the decoded value of query parameter `name`, or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
};

// Completes a request. Must be called exactly once; may be called from any thread.
using Respond = std::function<void(Response)>;

// Answers requests. Implementations must be thread-safe: many sessions call Handle at once.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void Handle(Request request, Respond respond) = 0;
};

// {"detail": message} with `status`.
Response ErrorResponse(int status, std::string_view detail);

}  // namespace restock::http
