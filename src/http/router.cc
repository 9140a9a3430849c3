#include "http/router.h"

#include <cstdio>
#include <cstdlib>

#include "http/percent_decode.h"

namespace restock::http {
namespace {

constexpr std::string_view kRequestsName = "restock_http_requests_total";
constexpr std::string_view kRequestsHelp = "HTTP requests answered, by route, method and status.";
constexpr std::string_view kDurationName = "restock_http_request_duration_seconds";
constexpr std::string_view kDurationHelp =
    "Time from the router receiving a request to its response being handed back, by route.";
constexpr std::string_view kUnmatchedRoute = "unmatched";

[[noreturn]] void Die(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "restock::http::Router: %.*s: %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// "/a/b/" → "/a/b"; "" → "/"; "/" stays.
std::string_view Normalise(std::string_view path) {
  if (path.empty()) return "/";
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// Segments of a normalised path: "/a/b" → {"a", "b"}; "/" → {}. Empty segments are kept.
std::vector<std::string_view> Split(std::string_view normalised) {
  std::vector<std::string_view> out;
  if (normalised == "/") return out;
  std::string_view rest = normalised.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    out.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches pre-split segments; appends captured (decoded) values to `params` when non-null.
template <typename Segment>
bool MatchSegments(const std::vector<Segment>& pattern, const std::vector<std::string_view>& path,
                   std::vector<std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string_view p = pattern[i];
    if (IsParam(p)) {
      if (path[i].empty()) return false;
      if (params != nullptr) params->push_back(PercentDecode(path[i], /*plus_as_space=*/false));
    } else if (p != path[i]) {
      return false;
    }
  }
  return true;
}

// Request methods become metric labels; unknown ones collapse so clients cannot add series.
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                                "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

}  // namespace

std::optional<std::vector<std::string>> MatchPath(std::string_view pattern, std::string_view path) {
  std::vector<std::string> params;
  if (!MatchSegments(Split(Normalise(pattern)), Split(Normalise(path)), &params)) {
    return std::nullopt;
  }
  return params;
}

Router::Router(metrics::Registry& registry) : registry_(registry) {}

void Router::Add(std::string method, std::string path, Handler& handler, std::string route_name) {
  if (path.empty() || path.front() != '/') Die("path must start with '/'", path);
  if (method.empty()) Die("empty method for", path);
  if (method == "HEAD") Die("HEAD is answered by the GET route of", path);
  const std::string key(Normalise(path));
  PathEntry*& entry = by_pattern_[key];
  if (entry == nullptr) {
    auto owned = std::make_unique<PathEntry>();
    for (std::string_view segment : Split(key)) {
      owned->segments.emplace_back(segment);
      owned->has_params = owned->has_params || IsParam(segment);
    }
    entry = owned.get();
    entries_.push_back(std::move(owned));
  }
  for (const auto& existing : entry->targets) {
    if (existing->method == method) Die("route added twice", path);
  }
  auto target = std::make_unique<Target>();
  target->method = std::move(method);
  target->handler = &handler;
  target->duration = &registry_.GetHistogram(
      kDurationName, kDurationHelp, metrics::DefaultLatencyBuckets(), {{"route", route_name}});
  target->route_name = std::move(route_name);
  if (!entry->allow.empty()) entry->allow += ", ";
  entry->allow += target->method;
  if (target->method == "GET") entry->allow += ", HEAD";
  entry->targets.push_back(std::move(target));
}

const Router::PathEntry* Router::Find(std::string_view path) const {
  const std::string_view normalised = Normalise(path);
  if (auto it = by_pattern_.find(std::string(normalised));
      it != by_pattern_.end() && !it->second->has_params) {
    return it->second;
  }
  const std::vector<std::string_view> segments = Split(normalised);
  for (const auto& entry : entries_) {
    if (entry->has_params && MatchSegments(entry->segments, segments, nullptr)) {
      return entry.get();
    }
  }
  return nullptr;
}

void Router::Handle(Request request, Respond respond) {
  const auto start = std::chrono::steady_clock::now();
  const PathEntry* entry = Find(request.path);
  if (entry == nullptr) {
    RespondDirect(kUnmatchedRoute, request.method, start, ErrorResponse(404, "Not found."),
                  respond);
    return;
  }
  Target* target = nullptr;
  for (const auto& candidate : entry->targets) {
    if (candidate->method == request.method) target = candidate.get();
  }
  if (target == nullptr && request.method == "HEAD") {
    // HEAD is GET without the body (RFC 9110 §9.3.2): the handler serves a GET, and the
    // session sends only the head of its response.
    for (const auto& candidate : entry->targets) {
      if (candidate->method == "GET") target = candidate.get();
    }
    if (target != nullptr) request.method = "GET";
  }
  if (target == nullptr) {
    // The method is echoed through core::JsonQuote, so arbitrary bytes stay valid JSON.
    Response response = ErrorResponse(405, "Method \"" + request.method + "\" not allowed.");
    response.headers.emplace_back("Allow", entry->allow);
    RespondDirect(entry->targets.front()->route_name, request.method, start, std::move(response),
                  respond);
    return;
  }
  target->handler->Handle(std::move(request),
                          [this, target, start, respond = std::move(respond)](Response response) {
                            Record(target, target->route_name, target->method, response.status,
                                   std::chrono::steady_clock::now() - start);
                            respond(std::move(response));
                          });
}

void Router::RespondDirect(std::string_view route, std::string_view method,
                           std::chrono::steady_clock::time_point start, Response response,
                           const Respond& respond) {
  Record(nullptr, route, method, response.status, std::chrono::steady_clock::now() - start);
  respond(std::move(response));
}

void Router::Record(Target* target, std::string_view route, std::string_view method, int status,
                    std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const auto make_counter = [&]() -> metrics::Counter& {
    return registry_.GetCounter(kRequestsName, kRequestsHelp,
                                {{"route", std::string(route)},
                                 {"method", std::string(MethodLabel(method))},
                                 {"status", std::to_string(status)}});
  };
  if (target == nullptr || status < kMinStatus || status > kMaxStatus) {
    make_counter().Inc();
    if (target == nullptr) {
      registry_
          .GetHistogram(kDurationName, kDurationHelp, metrics::DefaultLatencyBuckets(),
                        {{"route", std::string(route)}})
          .Observe(seconds);
    } else {
      target->duration->Observe(seconds);
    }
    return;
  }
  std::atomic<metrics::Counter*>& cached =
      target->requests[static_cast<std::size_t>(status - kMinStatus)];
  metrics::Counter* counter = cached.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same object from the registry, so either store is fine.
    counter = &make_counter();
    cached.store(counter, std::memory_order_release);
  }
  counter->Inc();
  target->duration->Observe(seconds);
}

}  // namespace restock::http
