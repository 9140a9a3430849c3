// restock::http — operational endpoints: GET /healthz (liveness), GET /metrics
// (Prometheus text format) and GET /openapi.json (the API document, docs/openapi.yaml).
// Thread-safe; they do not own the registry or the document.
#pragma once

#include <string_view>

#include "http/message.h"
#include "metrics/registry.h"

namespace restock::http {

class HealthHandler final : public Handler {
 public:
  void Handle(Request request, Respond respond) override;
};

class MetricsHandler final : public Handler {
 public:
  explicit MetricsHandler(const metrics::Registry& registry) : registry_(registry) {}
  void Handle(Request request, Respond respond) override;

 private:
  const metrics::Registry& registry_;
};

// Answers every request 200 with one fixed JSON body.
class StaticJsonHandler final : public Handler {
 public:
  // `body` must outlive the handler.
  explicit StaticJsonHandler(std::string_view body) : body_(body) {}
  void Handle(Request request, Respond respond) override;

 private:
  std::string_view body_;
};

}  // namespace restock::http
