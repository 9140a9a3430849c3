#include "webhooks/dispatcher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <optional>
#include <utility>

#include "core/crypto.h"
#include "core/thread_name.h"
#include "webhooks/signature.h"

namespace restock::webhooks {
namespace {

struct Claimed {
  model::WebhookDelivery delivery;
  model::WebhookEndpoint endpoint;
};

bool IsSuccess(const PostResult& r) {
  return r.status_code && *r.status_code >= 200 && *r.status_code < 300;
}

}  // namespace

Status ValidateDispatcherOptions(const DispatcherOptions& o) {
  RESTOCK_RETURN_IF_ERROR(ValidateRetryPolicy(o.retry));
  if (o.workers < 1) return InvalidArgumentError("webhook workers must be >= 1");
  if (o.batch < 1 || o.batch > kMaxDispatcherBatch) {
    return InvalidArgumentError("webhook batch must be from 1 to " +
                                std::to_string(kMaxDispatcherBatch));
  }
  if (o.poll_interval <= 0) return InvalidArgumentError("webhook poll interval must be > 0");
  if (o.lease_margin < 0) return InvalidArgumentError("webhook lease margin must be >= 0");
  return Status::Ok();
}

Dispatcher::Dispatcher(store::Database& db, const Clock& clock, Poster& poster,
                       DispatcherOptions options, metrics::Registry* registry)
    : db_(db), clock_(clock), poster_(poster), options_(std::move(options)), node_(RandomToken(9)) {
  if (registry) {
    constexpr std::string_view kName = "restock_webhook_deliveries_total";
    constexpr std::string_view kHelp =
        "Webhook delivery attempts by outcome (delivered, retry, failed, lost_lease).";
    delivered_ = &registry->GetCounter(kName, kHelp, {{"outcome", "delivered"}});
    retried_ = &registry->GetCounter(kName, kHelp, {{"outcome", "retry"}});
    failed_ = &registry->GetCounter(kName, kHelp, {{"outcome", "failed"}});
    lost_lease_ = &registry->GetCounter(kName, kHelp, {{"outcome", "lost_lease"}});
  }
}

Dispatcher::~Dispatcher() { Stop(); }

std::string Dispatcher::NextToken() {
  return node_ + "-" + std::to_string(claims_.fetch_add(1) + 1);
}

Result<std::size_t> Dispatcher::RunOnce() {
  const std::string token = NextToken();
  const UnixMicros claimed_at = clock_.NowMicros();
  const UnixMicros lease_until = claimed_at +
                                 static_cast<UnixMicros>(options_.batch) * options_.retry.timeout +
                                 options_.lease_margin;
  std::vector<Claimed> claimed;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    claimed.clear();
    RESTOCK_ASSIGN_OR_RETURN(
        auto rows, tx.webhook_outbox().Claim(claimed_at, token, lease_until, options_.batch));
    std::map<std::int64_t, model::WebhookEndpoint> endpoints;
    for (auto& d : rows) {
      auto it = endpoints.find(d.endpoint_id);
      if (it == endpoints.end()) {
        RESTOCK_ASSIGN_OR_RETURN(auto e, tx.webhook_endpoints().Find(d.merchant_id, d.endpoint_id));
        if (!e) return InternalError("outbox row of a missing webhook endpoint");
        it = endpoints.emplace(d.endpoint_id, std::move(*e)).first;
      }
      claimed.push_back({std::move(d), it->second});
    }
    return Status::Ok();
  }));

  std::size_t attempted = 0;
  for (const Claimed& c : claimed) {
    const UnixMicros started = clock_.NowMicros();
    // Past this point the lease could run out mid-request and another worker could send the
    // same delivery concurrently; leave it to whoever claims it next.
    if (started + options_.retry.timeout >= lease_until) break;
    const std::vector<std::pair<std::string, std::string>> headers = {
        {std::string(kSignatureHeader), SignatureHeaderValue(SigningSecrets(c.endpoint, started),
                                                             started / 1'000'000, c.delivery.body)},
        {"OrderGroove-Event-Id", c.delivery.event_id},
        {"OrderGroove-Event-Type", std::string(model::WebhookEventTypeName(c.delivery.type))},
    };
    const auto t0 = std::chrono::steady_clock::now();
    PostResult result =
        poster_.Post(c.endpoint.url, c.delivery.body, headers, options_.retry.timeout);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0);
    ++attempted;

    const UnixMicros now = clock_.NowMicros();
    model::DeliveryAttempt attempt;
    attempt.merchant_id = c.delivery.merchant_id;
    attempt.endpoint_id = c.delivery.endpoint_id;
    attempt.delivery_id = c.delivery.id;
    attempt.event_id = c.delivery.event_id;
    attempt.type = c.delivery.type;
    attempt.attempt = c.delivery.attempts;
    attempt.started = started;
    attempt.duration_micros = elapsed.count();
    attempt.status_code = result.status_code;
    attempt.error = result.error;
    model::DeliveryStatus status = model::DeliveryStatus::kPending;
    UnixMicros next = now;
    if (IsSuccess(result)) {
      attempt.outcome = model::AttemptOutcome::kDelivered;
      status = model::DeliveryStatus::kDelivered;
    } else {
      if (attempt.error.empty()) attempt.error = "HTTP " + std::to_string(*result.status_code);
      std::optional<UnixMicros> delay = RetryDelay(options_.retry, c.delivery.attempts);
      if (delay) {
        attempt.outcome = model::AttemptOutcome::kRetry;
        next = now + *delay;
      } else {
        attempt.outcome = model::AttemptOutcome::kFailed;
        status = model::DeliveryStatus::kFailed;
      }
    }
    bool kept_lease = false;
    RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(
          kept_lease, tx.webhook_outbox().Complete(c.delivery.id, token, status, next, now));
      return tx.webhook_attempts().Append(attempt).status();
    }));
    metrics::Counter* counter = !kept_lease                                            ? lost_lease_
                                : attempt.outcome == model::AttemptOutcome::kDelivered ? delivered_
                                : attempt.outcome == model::AttemptOutcome::kRetry     ? retried_
                                                                                       : failed_;
    if (counter) counter->Inc();
  }
  return attempted;
}

void Dispatcher::Start() {
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

void Dispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Dispatcher::WorkerLoop() {
  NameThisThread("restock-webhook");
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakes_;
    }
    Result<std::size_t> done = RunOnce();
    // A full batch means more may be due: go again at once. A store error (busy, disk) is
    // logged and retried after the poll interval; claims it left behind expire by themselves.
    if (!done.ok()) spdlog::warn("webhook delivery: {}", done.status().ToString());
    if (done.ok() && *done >= options_.batch) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::microseconds(options_.poll_interval),
                 [&] { return stopping_ || wakes_ != seen; });
  }
}

}  // namespace restock::webhooks
