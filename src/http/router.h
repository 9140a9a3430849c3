// restock::http — dispatch of requests to handlers by method and path, with per-route metrics.
//
// Paths match with or without a trailing slash ("/products-batch/update/" also answers
// "/products-batch/update"). A pattern segment "{name}" matches any one non-empty segment, e.g.
// "/products/{id}/". Request has no field for captured values, so a handler registered with a
// pattern extracts them itself with MatchPath(its pattern, request.path).
//
// HEAD is answered wherever GET is: the GET handler serves it as a GET (it sees method "GET"
// and is counted as one), and the session sends the response without its body (session.h).
//
// Answers itself: unknown path → 404 {"detail":"Not found."}; known path with another method →
// 405 with `Allow: M1, M2` (HEAD listed after GET) and {"detail":"Method \"X\" not allowed."}.
//
// Metrics (in the Registry given at construction):
//   restock_http_requests_total{route,method,status}       counter
//   restock_http_request_duration_seconds{route}           histogram, Handle() → respond()
// `route` is the route name given to Add ("unmatched" for 404s); `method` is the request
// method when it is a standard one, else "OTHER", so clients cannot grow the label set.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/message.h"
#include "metrics/registry.h"

namespace restock::http {

// Returns the percent-decoded values of the "{name}" segments of `pattern` in `path`, in order
// (empty when the pattern has none), or nullopt when `path` does not match. Trailing slashes are
// ignored on both sides. Pure function, thread-safe.
std::optional<std::vector<std::string>> MatchPath(std::string_view pattern, std::string_view path);

// Thread-safety: configure with Add before the first Handle; after that Handle may be called
// concurrently from any number of threads (it only reads the route table).
// Ownership: holds references to the registry and to every handler; all of them must outlive
// the router, and the router must outlive every request it is handling (i.e. the Server).
class Router final : public Handler {
 public:
  explicit Router(metrics::Registry& registry);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Routes `method` (exact, case-sensitive, e.g. "PATCH") on `path` (e.g. "/products/{id}/") to
  // `handler`, labelling its metrics with `route_name`. Literal paths take precedence over
  // patterns; among patterns the first added wins.
  // REQUIRES: not called concurrently with Handle; `path` starts with '/'; `method` is not
  // HEAD (see above); the same method and path were not added before. Violations abort.
  void Add(std::string method, std::string path, Handler& handler, std::string route_name);

  void Handle(Request request, Respond respond) override;

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;

  // One (method, path) route. Lives in a unique_ptr so in-flight requests may point at it.
  struct Target {
    std::string method;
    Handler* handler = nullptr;
    std::string route_name;
    metrics::Histogram* duration = nullptr;
    // Counters per status, filled lazily so the hot path avoids the registry's mutex.
    std::array<std::atomic<metrics::Counter*>, kMaxStatus - kMinStatus + 1> requests{};
  };
  struct PathEntry {
    std::vector<std::string> segments;  // of the normalised pattern
    bool has_params = false;
    std::vector<std::unique_ptr<Target>> targets;  // in order of Add
    std::string allow;                             // "GET, PATCH"
  };

  const PathEntry* Find(std::string_view path) const;
  // Counts a finished request. `target` may be null (404/405), then `route` and `method` label.
  void Record(Target* target, std::string_view route, std::string_view method, int status,
              std::chrono::steady_clock::duration elapsed);
  void RespondDirect(std::string_view route, std::string_view method,
                     std::chrono::steady_clock::time_point start, Response response,
                     const Respond& respond);

  metrics::Registry& registry_;
  std::vector<std::unique_ptr<PathEntry>> entries_;
  std::unordered_map<std::string, PathEntry*> by_pattern_;  // normalised pattern → entry
};

}  // namespace restock::http
