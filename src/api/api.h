// restock::api — the API: every endpoint's handler and the route table (README.md, API).
// A new endpoint is added here and nowhere else.
#pragma once

#include <memory>
#include <string_view>

#include "api/batch_body.h"
#include "api/merchant_endpoint.h"
#include "api/rate_limits.h"
#include "auth/authenticator.h"
#include "catalog/stock_update.h"
#include "core/clock.h"
#include "core/target_policy.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "placement/local_time.h"
#include "store/database.h"

namespace restock::api {

// What the endpoints call. Nothing is owned; everything must outlive the Api.
struct ApiServices {
  const auth::Authenticator& authenticator;
  Executor executor;  // the worker pool (docs/architecture.md, Threads)
  store::Database& db;
  const Clock& clock;
  catalog::StockService& stock;
  placement::ZoneCache& zones;
  metrics::Registry& registry;
  RateLimits& rate_limits;            // per-merchant limits of the batch endpoints
  const core::TargetPolicy& targets;  // where webhook endpoints may point
  std::string_view openapi_document;  // GET /openapi.json's body (docs/openapi.yaml as JSON)
};

// Owns the endpoint handlers. Thread-safe once AddRoutes returned.
class Api {
 public:
  Api(const ApiServices& services, BatchLimits limits);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Adds every route (method, path pattern, route name for metrics) to `router`, whose
  // handlers are this Api's. REQUIRES: called once; the Api outlives the router's use.
  void AddRoutes(http::Router& router);

 private:
  struct Handlers;
  std::unique_ptr<Handlers> handlers_;
};

}  // namespace restock::api
