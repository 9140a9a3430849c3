#include "handoff/sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "auth/signature.h"
#include "core/crypto.h"
#include "handoff/answer.h"
#include "handoff/document.h"
#include "handoff/outcomes.h"
#include "webhooks/curl_poster.h"

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

// Reads what the order document needs. nullopt when the order is gone or no longer pending.
Result<std::optional<DocumentInput>> LoadDocument(store::Database& db,
                                                  const model::HandoffRequest& request) {
  std::optional<DocumentInput> in;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    in.reset();
    RESTOCK_ASSIGN_OR_RETURN(auto order, tx.orders().Find(request.merchant_id, request.order_id));
    if (!order || order->status != model::OrderStatus::kPending) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(auto contact,
                             tx.handoff().FindContact(request.merchant_id, order->customer_id));
    std::vector<std::string_view> product_ids;
    std::vector<std::int64_t> subscription_ids;
    for (const auto& item : order->items) {
      product_ids.push_back(item.product_id);
      subscription_ids.push_back(item.subscription_id);
    }
    RESTOCK_ASSIGN_OR_RETURN(auto products,
                             tx.products().FindMany(request.merchant_id, product_ids));
    RESTOCK_ASSIGN_OR_RETURN(auto subs,
                             tx.subscriptions().FindMany(request.merchant_id, subscription_ids));
    DocumentInput doc{request, *order, contact.value_or(model::CustomerContact{}), {}};
    for (std::size_t i = 0; i < order->items.size(); ++i) {
      doc.items.push_back({order->items[i], std::move(products[i]), std::move(subs[i])});
    }
    in = std::move(doc);
    return Status::Ok();
  }));
  return in;
}

}  // namespace

// One in-flight slot of one merchant: its own connection, claiming one request at a time.
class Sender::Worker {
 public:
  Worker(Sender& sender, const model::Merchant& merchant, const model::PlacementTarget& target,
         CivilDate day)
      : s_(sender),
        merchant_(merchant),
        target_(target),
        day_(day),
        connection_(s_.targets_, kMaxAnswerBytes, "restock-handoff/1", &s_.abandoned_) {}

  // Sends until nothing is due; the first store error ends the worker.
  Status Run(HandoffSummary& summary) {
    while (!s_.abandoned_.load()) {
      const std::string token = s_.node_ + "-" + std::to_string(s_.claims_.fetch_add(1) + 1);
      const UnixMicros now = s_.clock_.NowMicros();
      std::vector<model::HandoffRequest> claimed;
      RESTOCK_RETURN_IF_ERROR(s_.db_.RunInTransaction([&](store::Transaction& tx) -> Status {
        UnixMicros lease = now + target_.timeout_ms * 1000LL + kLeaseMargin;
        RESTOCK_ASSIGN_OR_RETURN(claimed, tx.handoff().Claim(merchant_.id, now, token, lease, 1));
        return Status::Ok();
      }));
      if (claimed.empty()) return Status::Ok();
      RESTOCK_RETURN_IF_ERROR(SendOne(claimed.front(), token, summary));
    }
    return Status::Ok();
  }

 private:
  Status SendOne(const model::HandoffRequest& request, const std::string& token,
                 HandoffSummary& summary) {
    RESTOCK_ASSIGN_OR_RETURN(auto doc, LoadDocument(s_.db_, request));
    Answer answer;
    if (doc) {
      auto result = Post(*doc);
      if (result.abandoned) {
        return s_.db_.RunInTransaction([&](store::Transaction& tx) -> Status {
          return tx.handoff().Release(request.id, token).status();
        });
      }
      answer = ClassifyAnswer(result.status_code, result.error, result.body);
      ++summary.sent;
    }
    Recorded recorded;
    OutcomeContext context{merchant_, target_, day_, s_.clock_.NowMicros(), s_.flow_};
    store::WorkLocks locks{.merchant = merchant_.id, .orders = true, .products = {}};
    RESTOCK_RETURN_IF_ERROR(s_.db_.RunInTransaction(
        [&](store::Transaction& tx) -> Status {
          RESTOCK_ASSIGN_OR_RETURN(recorded, RecordAnswer(tx, context, request, token, answer));
          return Status::Ok();
        },
        locks));
    Count(recorded, answer, summary);
    return Status::Ok();
  }

  webhooks::PostResult Post(const DocumentInput& doc) {
    const bool json = target_.format == model::PlacementFormat::kJson;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", json ? "application/json" : "application/xml"},
        {"Authorization",
         auth::SignedAuthorizationHeader(merchant_.public_id, doc.order.customer_id,
                                         merchant_.hash_key, s_.clock_.NowMicros() / 1'000'000)},
        {"Idempotency-Key", model::IdempotencyKey(doc.request)}};
    const UnixMicros started = s_.clock_.NowMicros();
    webhooks::PostResult result = connection_.Post(target_.url, RenderDocument(doc, target_.format),
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

  void Count(const Recorded& recorded, const Answer& answer, HandoffSummary& summary) {
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
    if (s_.registry_ == nullptr) return;
    std::string code = answer.kind == AnswerKind::kSuccess      ? "SUCCESS"
                       : answer.kind == AnswerKind::kProcessing ? "PROCESSING"
                       : answer.kind == AnswerKind::kNoAnswer   ? "no_answer"
                       : answer.kind == AnswerKind::kUnreadable ? "response_processing"
                                                                : answer.error_code;
    s_.registry_
        ->GetCounter("restock_handoff_answers_total", "Hand-off answers by code.",
                     {{"code", code}})
        .Inc();
  }

  Sender& s_;
  const model::Merchant& merchant_;
  const model::PlacementTarget& target_;
  const CivilDate day_;
  webhooks::CurlConnection connection_;
};

Sender::Sender(store::Database& db, const Clock& clock, core::TargetPolicy targets,
               placement::FlowOptions flow, metrics::Registry* registry)
    : db_(db),
      clock_(clock),
      targets_(std::move(targets)),
      flow_(std::move(flow)),
      registry_(registry),
      node_(RandomToken(9)) {}

Result<HandoffSummary> Sender::SendDue(const model::Merchant& merchant,
                                       const model::PlacementTarget& target, CivilDate day) {
  const int n = std::max(1, target.concurrency);
  std::vector<HandoffSummary> summaries(static_cast<std::size_t>(n));
  std::vector<Status> statuses(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Worker worker(*this, merchant, target, day);
      statuses[static_cast<std::size_t>(i)] = worker.Run(summaries[static_cast<std::size_t>(i)]);
    });
  }
  for (std::thread& t : threads) t.join();
  HandoffSummary total;
  for (const HandoffSummary& s : summaries) total += s;
  for (const Status& s : statuses) RESTOCK_RETURN_IF_ERROR(s);
  return total;
}

}  // namespace restock::handoff
