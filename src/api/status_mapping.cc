#include "api/status_mapping.h"

namespace restock::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kAborted:
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

http::Response ResponseForStatus(const Status& status) {
  int code = HttpStatusFor(status.code());
  if (code == 503) {
    http::Response r = http::ErrorResponse(503, "Service temporarily unavailable, retry later.");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (code >= 500) return http::ErrorResponse(code, "Internal server error.");
  return http::ErrorResponse(code, status.message());
}

http::Response ResponseForBodyError(const Status& status) {
  if (status.code() == StatusCode::kResourceExhausted) {
    return http::ErrorResponse(413, status.message());
  }
  return ResponseForStatus(status);
}

}  // namespace restock::api
