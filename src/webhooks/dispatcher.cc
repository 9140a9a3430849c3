#include "webhooks/dispatcher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <optional>
#include <utility>

#include "core/crypto.h"
#include "core/thread_name.h"
#include "webhooks/endpoints.h"
#include "webhooks/signature.h"

namespace restock::webhooks {
namespace {

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
  if (o.shutdown_grace < 0) return InvalidArgumentError("webhook shutdown grace must be >= 0");
  if (o.retention < 0) return InvalidArgumentError("webhook retention must be >= 0");
  if (o.prune_interval <= 0) return InvalidArgumentError("webhook prune interval must be > 0");
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

struct Dispatcher::Attempted {
  bool succeeded = false;
  bool abandoned = false;
};

bool Dispatcher::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

Result<Dispatcher::Attempted> Dispatcher::Attempt(const model::WebhookEndpoint& endpoint,
                                                  const model::WebhookDelivery& delivery,
                                                  const std::string& token) {
  const UnixMicros started = clock_.NowMicros();
  const std::vector<std::pair<std::string, std::string>> headers = {
      {std::string(kSignatureHeader),
       SignatureHeaderValue(SigningSecrets(endpoint, started), started / 1'000'000, delivery.body)},
      {"OrderGroove-Event-Id", delivery.event_id},
      {"OrderGroove-Event-Type", std::string(model::WebhookEventTypeName(delivery.type))},
  };
  const auto t0 = std::chrono::steady_clock::now();
  PostResult result = poster_.Post(endpoint.url, delivery.body, headers, options_.retry.timeout);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

  const UnixMicros now = clock_.NowMicros();
  model::DeliveryAttempt attempt;
  attempt.merchant_id = delivery.merchant_id;
  attempt.endpoint_id = delivery.endpoint_id;
  attempt.delivery_id = delivery.id;
  attempt.event_id = delivery.event_id;
  attempt.type = delivery.type;
  attempt.attempt = delivery.attempts;
  attempt.started = started;
  attempt.duration_micros = elapsed.count();
  attempt.status_code = result.status_code;
  attempt.error = result.error;
  model::DeliveryStatus status = model::DeliveryStatus::kPending;
  UnixMicros next = now;
  Attempted out;
  out.abandoned = result.abandoned;
  if (IsSuccess(result)) {
    attempt.outcome = model::AttemptOutcome::kDelivered;
    status = model::DeliveryStatus::kDelivered;
    out.succeeded = true;
  } else if (result.abandoned) {
    // Cut short by shutdown: it counts as an attempt (the receiver may have seen it) and is
    // due again at once.
    attempt.outcome = model::AttemptOutcome::kRetry;
  } else {
    if (attempt.error.empty()) attempt.error = "HTTP " + std::to_string(*result.status_code);
    std::optional<UnixMicros> delay = RetryDelay(options_.retry, delivery.attempts);
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
    RESTOCK_ASSIGN_OR_RETURN(kept_lease,
                             tx.webhook_outbox().Complete(delivery.id, token, status, next, now));
    return tx.webhook_attempts().Append(attempt).status();
  }));
  metrics::Counter* counter = !kept_lease                                            ? lost_lease_
                              : attempt.outcome == model::AttemptOutcome::kDelivered ? delivered_
                              : attempt.outcome == model::AttemptOutcome::kRetry     ? retried_
                                                                                     : failed_;
  if (counter) counter->Inc();
  return out;
}

Result<std::size_t> Dispatcher::RunOnce() {
  if (stopping()) return 0;
  const std::string token = NextToken();
  const UnixMicros claimed_at = clock_.NowMicros();
  const UnixMicros lease_until = claimed_at +
                                 static_cast<UnixMicros>(options_.batch) * options_.retry.timeout +
                                 options_.lease_margin;
  std::optional<store::EndpointClaim> claim;
  model::WebhookEndpoint endpoint;
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(
        claim, tx.webhook_outbox().Claim(claimed_at, token, lease_until, options_.batch));
    if (!claim) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(auto e,
                             tx.webhook_endpoints().Find(claim->merchant_id, claim->endpoint_id));
    if (!e) return InternalError("claimed a missing webhook endpoint");
    endpoint = std::move(*e);
    return Status::Ok();
  }));
  if (!claim) return 0;

  int failures = claim->failures;
  UnixMicros backoff_until = 0;
  std::size_t next = 0;
  const std::vector<model::WebhookDelivery>& deliveries = claim->deliveries;
  while (next < deliveries.size() && !stopping()) {
    // Past this point the lease could run out mid-request and another worker could send the
    // same delivery concurrently; leave it to whoever claims it next.
    if (clock_.NowMicros() + options_.retry.timeout >= lease_until) break;
    RESTOCK_ASSIGN_OR_RETURN(Attempted done, Attempt(endpoint, deliveries[next], token));
    ++next;
    if (done.abandoned) break;
    if (done.succeeded) {
      failures = 0;
      continue;
    }
    // The receiver is failing: the endpoint backs off as a whole instead of spending a
    // worker on each of its deliveries in turn.
    ++failures;
    backoff_until = clock_.NowMicros() +
                    RetryDelay(options_.retry, failures).value_or(options_.retry.max_delay);
    break;
  }
  // The rest go back as they were (due), and the endpoint's claim ends.
  RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    for (std::size_t i = next; i < deliveries.size(); ++i) {
      RESTOCK_RETURN_IF_ERROR(
          tx.webhook_outbox().Release(deliveries[i].id, token, claimed_at).status());
    }
    return tx.webhook_outbox().EndClaim(claim->merchant_id, claim->endpoint_id, token, failures,
                                        backoff_until);
  }));
  return deliveries.size();
}

void Dispatcher::MaybePrune() {
  if (options_.retention <= 0) return;
  const UnixMicros now = clock_.NowMicros();
  UnixMicros due = next_prune_.load();
  // One worker prunes; the others see the next time already moved.
  if (now < due || !next_prune_.compare_exchange_strong(due, now + options_.prune_interval)) {
    return;
  }
  Result<std::size_t> pruned = PruneDeliveryHistory(db_, now - options_.retention);
  if (!pruned.ok()) {
    spdlog::warn("webhook history pruning: {}", pruned.status().ToString());
  } else if (*pruned > 0) {
    spdlog::info("webhook history pruning: deleted {} rows", *pruned);
  }
}

void Dispatcher::Start() {
  {
    std::lock_guard lock(mu_);
    running_ = options_.workers;
  }
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

void Dispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void Dispatcher::RequestStop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

void Dispatcher::Stop() {
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    // Attempts in flight may finish within the grace; past it they are cut short.
    exited_.wait_for(lock, std::chrono::microseconds(options_.shutdown_grace),
                     [&] { return running_ == 0; });
  }
  if (!threads_.empty()) poster_.AbandonAll();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Dispatcher::WorkerLoop() {
  NameThisThread("restock-webhook");
  struct Exit {
    Dispatcher* d;
    ~Exit() {
      std::lock_guard lock(d->mu_);
      --d->running_;
      d->exited_.notify_all();
    }
  } exit{this};
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakes_;
    }
    Result<std::size_t> done = RunOnce();
    // A claim means more may be due (this endpoint's rest, or other endpoints): go again at
    // once. A store error (busy, disk) is logged and retried after the poll interval; claims
    // it left behind expire by themselves.
    if (!done.ok()) spdlog::warn("webhook delivery: {}", done.status().ToString());
    if (done.ok() && *done > 0) continue;
    MaybePrune();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::microseconds(options_.poll_interval),
                 [&] { return stopping_ || wakes_ != seen; });
  }
}

}  // namespace restock::webhooks
