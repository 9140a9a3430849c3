#include "handoff/send_run.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include "auth/signature.h"

namespace restock::handoff {
namespace {

// A platform's text in a log line: at most 200 bytes, control characters replaced.
std::string Loggable(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// The answer's code in restock_handoff_answers_total.
std::string MetricCode(const Answer& answer) {
  switch (answer.kind) {
    case AnswerKind::kSuccess:
      return "SUCCESS";
    case AnswerKind::kProcessing:
      return "PROCESSING";
    case AnswerKind::kNoAnswer:
      return "no_answer";
    case AnswerKind::kUnreadable:
      return "response_processing";
    case AnswerKind::kError:
      break;
  }
  return answer.error_code;
}

// Reads what the order document of `request` needs, in `tx`. nullopt when the order is gone
// or no longer pending.
Result<std::optional<DocumentInput>> ReadDocument(store::Transaction& tx,
                                                  const model::HandoffRequest& request) {
  RESTOCK_ASSIGN_OR_RETURN(auto order, tx.orders().Find(request.merchant_id, request.order_id));
  if (!order || order->status != model::OrderStatus::kPending) {
    return std::optional<DocumentInput>();
  }
  RESTOCK_ASSIGN_OR_RETURN(auto contact,
                           tx.handoff().FindContact(request.merchant_id, order->customer_id));
  std::vector<std::string_view> product_ids;
  std::vector<std::int64_t> subscription_ids;
  for (const auto& item : order->items) {
    product_ids.push_back(item.product_id);
    subscription_ids.push_back(item.subscription_id);
  }
  RESTOCK_ASSIGN_OR_RETURN(auto products, tx.products().FindMany(request.merchant_id, product_ids));
  RESTOCK_ASSIGN_OR_RETURN(auto subs,
                           tx.subscriptions().FindMany(request.merchant_id, subscription_ids));
  DocumentInput doc{request, *order, contact.value_or(model::CustomerContact{}), {}};
  for (std::size_t i = 0; i < order->items.size(); ++i) {
    doc.items.push_back({order->items[i], std::move(products[i]), std::move(subs[i])});
  }
  return std::optional<DocumentInput>(std::move(doc));
}

}  // namespace

Sender::Run::Run(Sender& sender, const model::Merchant& merchant,
                 const model::PlacementTarget& target, CivilDate day)
    : s_(sender),
      merchant_(merchant),
      target_(target),
      day_(day),
      batch_(ClaimBatchSize(target.concurrency)) {}

Result<HandoffSummary> Sender::Run::Execute() {
  const int n = std::max(1, target_.concurrency);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([this] {
      std::unique_ptr<Channel> channel = s_.channels_(&s_.abandoned_);
      Work(*channel);
    });
  }
  for (std::thread& t : threads) t.join();
  std::unique_lock lock(mu_);
  // Stopped early (a store error, Abandon): what is still queued goes back unsent.
  std::vector<Item> unsent(std::make_move_iterator(queue_.begin()),
                           std::make_move_iterator(queue_.end()));
  queue_.clear();
  lock.unlock();
  if (!unsent.empty()) SubmitRelease(std::move(unsent));
  lock.lock();
  cv_.wait(lock, [this] { return outstanding_ == 0; });
  FlushReports(lock);
  if (!failure_.ok()) return failure_;
  return summary_;
}

void Sender::Run::Work(Channel& channel) {
  std::unique_lock lock(mu_);
  for (;;) {
    FlushReports(lock);
    if (finished_ || !failure_.ok() || s_.abandoned_.load()) return;
    if (ShouldClaim()) {
      ClaimAndQueue(lock);
    } else if (!queue_.empty()) {
      Item item = std::move(queue_.front());
      queue_.pop_front();
      if (queue_.size() * 2 <= batch_) cv_.notify_all();  // time for the next claim
      lock.unlock();
      Send(channel, item);
      lock.lock();
    } else {
      cv_.wait(lock);
    }
  }
}

bool Sender::Run::ShouldClaim() const {
  if (claiming_ || queue_.size() * 2 > batch_) return false;
  // A bounded backlog: answers waiting for their commit hold back the next claim.
  if (outstanding_ > 2 * batch_) return false;
  // After a claim that found nothing, the next waits until every answer is recorded: an
  // out-of-stock answer queues its re-send in its record.
  return !last_claim_empty_ || outstanding_ == 0;
}

void Sender::Run::ClaimAndQueue(std::unique_lock<std::mutex>& lock) {
  claiming_ = true;
  const bool nothing_outstanding = outstanding_ == 0;
  lock.unlock();
  std::vector<Item> items;
  Status status = ClaimBatch(items);
  if (status.ok() && !items.empty()) status = LoadDocuments(items);
  lock.lock();
  claiming_ = false;
  outstanding_ += items.size();
  for (Item& item : items) queue_.push_back(std::move(item));
  if (!status.ok() && failure_.ok()) failure_ = status;
  last_claim_empty_ = items.empty();
  if (items.empty() && nothing_outstanding) finished_ = true;
  cv_.notify_all();
}

Status Sender::Run::ClaimBatch(std::vector<Item>& items) {
  const std::string token = s_.node_ + "-" + std::to_string(s_.claims_.fetch_add(1) + 1);
  const UnixMicros now = s_.clock_.NowMicros();
  const UnixMicros lease_until = now + target_.timeout_ms * 1000LL + kLeaseMargin;
  auto claimed = std::make_shared<std::vector<model::HandoffRequest>>();
  std::promise<Status> done;
  s_.db_.Submit(
      [&, claimed](store::Transaction& tx) -> Status {
        RESTOCK_ASSIGN_OR_RETURN(*claimed,
                                 tx.handoff().Claim(merchant_.id, now, token, lease_until, batch_));
        return Status::Ok();
      },
      [&done](Status status) { done.set_value(std::move(status)); });
  RESTOCK_RETURN_IF_ERROR(done.get_future().get());
  for (model::HandoffRequest& request : *claimed) {
    items.push_back(Item{std::move(request), token, lease_until, std::nullopt});
  }
  return Status::Ok();
}

Status Sender::Run::LoadDocuments(std::vector<Item>& items) {
  return s_.db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    for (Item& item : items) {
      RESTOCK_ASSIGN_OR_RETURN(item.document, ReadDocument(tx, item.request));
    }
    return Status::Ok();
  });
}

void Sender::Run::Send(Channel& channel, Item& item) {
  if (!item.document) {
    SubmitRecord(item, Answer{}, false);  // closes the request of an order no longer pending
    return;
  }
  const UnixMicros now = s_.clock_.NowMicros();
  if (now + target_.timeout_ms * 1000LL + kSendMargin > item.lease_until) {
    SubmitRelease({std::move(item)});  // waited too long in the batch: claimed again later
    return;
  }
  webhooks::PostResult result = Post(channel, *item.document);
  if (result.abandoned) {
    SubmitRelease({std::move(item)});
    return;
  }
  SubmitRecord(item,
               ClassifyAnswer(result.status_code, result.error, result.body, result.body_too_large),
               true);
}

webhooks::PostResult Sender::Run::Post(Channel& channel, const DocumentInput& doc) {
  const bool json = target_.format == model::PlacementFormat::kJson;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", json ? "application/json" : "application/xml"},
      {"Authorization",
       auth::SignedAuthorizationHeader(merchant_.public_id, doc.order.customer_id,
                                       merchant_.hash_key, s_.clock_.NowMicros() / 1'000'000)},
      {"Idempotency-Key", model::IdempotencyKey(doc.request)}};
  const UnixMicros started = s_.clock_.NowMicros();
  webhooks::PostResult result = channel.Post(target_.url, RenderDocument(doc, target_.format),
                                             headers, target_.timeout_ms * 1000LL);
  if (s_.registry_ != nullptr && !result.abandoned) {
    s_.registry_
        ->GetHistogram("restock_handoff_latency_seconds",
                       "Time from sending a hand-off request to its complete answer.",
                       {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})
        .Observe(static_cast<double>(s_.clock_.NowMicros() - started) / 1e6);
  }
  return result;
}

void Sender::Run::SubmitRecord(Item& item, const Answer& answer, bool sent) {
  auto recorded = std::make_shared<Recorded>();
  const OutcomeContext context{merchant_, target_, day_, s_.clock_.NowMicros(), s_.flow_};
  store::WorkLocks locks{.merchant = merchant_.id, .orders = true, .products = {}};
  std::string code = sent ? MetricCode(answer) : std::string();
  s_.db_.Submit(
      [context, recorded, request = item.request, token = item.token,
       answer](store::Transaction& tx) -> Status {
        RESTOCK_ASSIGN_OR_RETURN(*recorded, RecordAnswer(tx, context, request, token, answer));
        return Status::Ok();
      },
      [this, recorded, code = std::move(code)](Status status) {
        Finished(status, Report{std::move(*recorded), code});
      },
      std::move(locks));
}

void Sender::Run::SubmitRelease(std::vector<Item> items) {
  const std::size_t n = items.size();
  s_.db_.Submit(
      [items = std::move(items)](store::Transaction& tx) -> Status {
        for (const Item& item : items) {
          RESTOCK_RETURN_IF_ERROR(tx.handoff().Release(item.request.id, item.token).status());
        }
        return Status::Ok();
      },
      [this, n](Status status) {
        for (std::size_t i = 0; i < n; ++i) Finished(i == 0 ? status : Status::Ok(), std::nullopt);
      });
}

void Sender::Run::Finished(const Status& status, std::optional<Report> report) {
  std::lock_guard lock(mu_);
  --outstanding_;
  if (!status.ok()) {
    if (failure_.ok()) failure_ = status;
  } else if (report) {
    reports_.push_back(std::move(*report));
  }
  cv_.notify_all();
}

void Sender::Run::FlushReports(std::unique_lock<std::mutex>& lock) {
  if (reports_.empty()) return;
  std::vector<Report> reports;
  reports.swap(reports_);
  HandoffSummary counted;
  lock.unlock();
  for (const Report& report : reports) Count(report, counted);
  lock.lock();
  summary_ += counted;
}

void Sender::Run::Count(const Report& report, HandoffSummary& summary) {
  if (!report.code.empty()) ++summary.sent;
  const Recorded& recorded = report.recorded;
  switch (recorded.disposition) {
    case Disposition::kPlaced:
      ++summary.placed;
      break;
    case Disposition::kPending:
      ++summary.pending;
      break;
    case Disposition::kRejected:
      ++summary.rejected;
      spdlog::warn("hand-off: order {} of merchant {} rejected: error_code {}: {}",
                   recorded.order.id, merchant_.public_id, recorded.order.error_code,
                   Loggable(recorded.order.error_message));
      break;
    case Disposition::kResent:
    case Disposition::kOutOfStock:
      ++summary.out_of_stock;
      break;
    case Disposition::kLostClaim:
    case Disposition::kNotPending:
      return;
  }
  if (s_.registry_ == nullptr || report.code.empty()) return;
  s_.registry_
      ->GetCounter("restock_handoff_answers_total", "Hand-off answers by code.",
                   {{"code", report.code}})
      .Inc();
}

}  // namespace restock::handoff
