// restock::api — PATCH /products-batch/update/ (SPEC §2), the seed's endpoint.
// An adapter: authenticate, parse, validate through catalog/, hand the valid elements to the
// StockService, render the 207. It decides nothing about stock.
#pragma once

#include <functional>

#include "auth/authenticator.h"
#include "catalog/stock_update.h"
#include "api/batch_body.h"
#include "http/message.h"
#include "api/rate_limits.h"
#include "metrics/registry.h"

namespace restock::api {

// Runs a task on a worker thread (never an I/O thread). Must not run it inline.
using Executor = std::function<void(std::function<void()>)>;

// Thread-safe. Does not own its dependencies, which must outlive it.
class ProductsBatchHandler final : public http::Handler {
 public:
  // `rate_limits` (optional, not owned) is asked after authentication (per merchant).
  ProductsBatchHandler(const auth::Authenticator& authenticator, catalog::StockService& stock,
                       metrics::Registry& registry, Executor workers, BatchLimits limits,
                       RateLimits* rate_limits = nullptr);

  // Responds 207 with per-element results once every applied element is durable; or a
  // whole-request error (400, 401, 403, 413, 415, 429, 5xx) with nothing applied.
  // Serves small requests (body up to kInlineBodyBytes) whose credentials are in memory on
  // the calling thread without blocking; everything else on a worker.
  void Handle(http::Request request, http::Respond respond) override;

  // About 200 elements: parsing and validating them takes ~0.2 ms.
  static constexpr std::size_t kInlineBodyBytes = 8 * 1024;

 private:
  // Serves an authenticated (or refused) request; never blocks.
  void Process(const http::Request& request, Result<auth::Principal> principal, http::Respond respond);

  const auth::Authenticator& authenticator_;
  catalog::StockService& stock_;
  Executor workers_;
  BatchLimits limits_;
  RateLimits* rate_limits_;
  metrics::Counter& applied_;
  metrics::Counter& rejected_;
  metrics::Counter& not_found_;
};

// True for "application/json" with optional parameters (e.g. "; charset=utf-8"),
// case-insensitively.
bool IsJsonContentType(std::string_view content_type);

}  // namespace restock::api
