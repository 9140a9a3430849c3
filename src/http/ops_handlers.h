// restock::http — operational endpoints: GET /healthz (liveness) and GET /metrics
// (Prometheus text format). Thread-safe; they do not own the registry.
#pragma once

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

}  // namespace restock::http
