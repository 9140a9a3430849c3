// restock::api — operational endpoints: GET /healthz (liveness), GET /metrics
// (Prometheus text format) and GET /openapi.json (the API document, docs/openapi.yaml).
// Thread-safe; they do not own the registry or the document.
#pragma once

#include <string_view>

#include "http/message.h"
#include "metrics/registry.h"

namespace restock::api {

class HealthHandler final : public http::Handler {
 public:
  void Handle(http::Request request, http::Respond respond) override;
};

class MetricsHandler final : public http::Handler {
 public:
  explicit MetricsHandler(const metrics::Registry& registry) : registry_(registry) {}
  void Handle(http::Request request, http::Respond respond) override;

 private:
  const metrics::Registry& registry_;
};

// Answers every request 200 with one fixed JSON body.
class StaticJsonHandler final : public http::Handler {
 public:
  // `body` must outlive the handler.
  explicit StaticJsonHandler(std::string_view body) : body_(body) {}
  void Handle(http::Request request, http::Respond respond) override;

 private:
  std::string_view body_;
};

}  // namespace restock::api
