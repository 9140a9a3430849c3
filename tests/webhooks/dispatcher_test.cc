#include "webhooks/dispatcher.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "support/fake_clock.h"
#include "support/fake_database.h"
#include "webhooks/signature.h"

namespace restock::webhooks {
namespace {

constexpr UnixMicros kSecond = 1'000'000;

class FakePoster final : public Poster {
 public:
  struct Call {
    std::string url, body;
    std::vector<std::pair<std::string, std::string>> headers;
    UnixMicros timeout;
  };
  PostResult Post(const std::string& url, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  UnixMicros timeout) override {
    std::lock_guard lock(mu);
    calls.push_back({url, body, headers, timeout});
    if (results.empty()) return {200, ""};
    PostResult r = results.front();
    results.pop_front();
    return r;
  }
  std::mutex mu;
  std::vector<Call> calls;
  std::deque<PostResult> results;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    options_.retry.first_delay = 60 * kSecond;
    options_.retry.max_delay = 600 * kSecond;
    options_.retry.max_attempts = 4;
    options_.retry.timeout = 5 * kSecond;
    options_.batch = 8;
    options_.lease_margin = 30 * kSecond;
    model::WebhookEndpoint e;
    e.merchant_id = 1;
    e.url = "http://receiver/hook";
    e.events = {model::WebhookEventType::kStockChanged};
    e.secret = "secret-1";
    e.previous_secret = "secret-0";
    e.previous_secret_expires = clock_.NowMicros() + 3600 * kSecond;
    EXPECT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                     RESTOCK_ASSIGN_OR_RETURN(endpoint_id_, tx.webhook_endpoints().Create(e));
                     model::WebhookDelivery d;
                     d.merchant_id = 1;
                     d.endpoint_id = endpoint_id_;
                     d.event_id = "evt_a";
                     d.body = R"({"id":"evt_a"})";
                     d.created = d.next_attempt_at = clock_.NowMicros();
                     return tx.webhook_outbox().Enqueue(std::span(&d, 1));
                   })
                    .ok());
  }

  // Through Snapshot(): WorkersDeliverAfterAWake reads while two dispatcher workers commit.
  model::WebhookDelivery Delivery() {
    return db_.Snapshot().webhooks.outbox.begin()->second.delivery;
  }
  std::vector<model::DeliveryAttempt> Attempts() {
    std::vector<model::DeliveryAttempt> out;
    for (auto& [id, a] : db_.Snapshot().webhooks.attempts) out.push_back(a);
    return out;
  }
  std::size_t Run(Dispatcher& d) {
    Result<std::size_t> n = d.RunOnce();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : 0;
  }

  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  FakePoster poster_;
  metrics::Registry registry_;
  DispatcherOptions options_;
  std::int64_t endpoint_id_ = 0;
};

TEST_F(DispatcherTest, SignsWithBothSecretsDuringRotationAndMarksDelivered) {
  Dispatcher d(db_, clock_, poster_, options_, &registry_);
  EXPECT_EQ(Run(d), 1u);
  ASSERT_EQ(poster_.calls.size(), 1u);
  const auto& call = poster_.calls[0];
  EXPECT_EQ(call.url, "http://receiver/hook");
  EXPECT_EQ(call.body, R"({"id":"evt_a"})");
  EXPECT_EQ(call.timeout, 5 * kSecond);
  EXPECT_EQ(call.headers[0].first, "OrderGroove-Signature");
  EXPECT_EQ(call.headers[0].second,
            SignatureHeaderValue({"secret-1", "secret-0"}, clock_.NowSeconds(), call.body));
  EXPECT_EQ(Delivery().status, model::DeliveryStatus::kDelivered);
  ASSERT_EQ(Attempts().size(), 1u);
  EXPECT_EQ(Attempts()[0].outcome, model::AttemptOutcome::kDelivered);
  EXPECT_EQ(Attempts()[0].status_code, 200);
  EXPECT_EQ(Attempts()[0].attempt, 1);
  EXPECT_EQ(Run(d), 0u) << "delivered once";
  EXPECT_NE(registry_.RenderPrometheus().find(
                "restock_webhook_deliveries_total{outcome=\"delivered\"} 1"),
            std::string::npos);
}

TEST_F(DispatcherTest, FailuresAreRetriedOnTheBackoffScheduleThenFail) {
  poster_.results = {{500, ""}, {std::nullopt, "Timeout was reached"}, {404, ""}, {503, ""}};
  Dispatcher d(db_, clock_, poster_, options_, &registry_);
  const UnixMicros start = clock_.NowMicros();
  EXPECT_EQ(Run(d), 1u);
  EXPECT_EQ(Delivery().next_attempt_at, start + 60 * kSecond);
  clock_.AdvanceSeconds(59);
  EXPECT_EQ(Run(d), 0u) << "not due yet";
  clock_.AdvanceSeconds(1);
  EXPECT_EQ(Run(d), 1u);
  EXPECT_EQ(Delivery().next_attempt_at, start + 180 * kSecond);
  clock_.AdvanceSeconds(120);
  EXPECT_EQ(Run(d), 1u);
  clock_.AdvanceSeconds(240);
  EXPECT_EQ(Run(d), 1u);
  EXPECT_EQ(Delivery().status, model::DeliveryStatus::kFailed);
  clock_.AdvanceSeconds(10'000);
  EXPECT_EQ(Run(d), 0u);

  auto log = Attempts();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].error, "HTTP 500");
  EXPECT_EQ(log[1].status_code, std::nullopt);
  EXPECT_EQ(log[1].error, "Timeout was reached");
  EXPECT_EQ(log[2].status_code, 404);
  EXPECT_EQ(log[3].outcome, model::AttemptOutcome::kFailed);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(log[i].outcome, model::AttemptOutcome::kRetry);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(log[i].attempt, i + 1);
  std::string metrics = registry_.RenderPrometheus();
  EXPECT_NE(metrics.find("restock_webhook_deliveries_total{outcome=\"retry\"} 3"),
            std::string::npos);
  EXPECT_NE(metrics.find("restock_webhook_deliveries_total{outcome=\"failed\"} 1"),
            std::string::npos);
}

TEST_F(DispatcherTest, AClaimOfACrashedWorkerIsRetriedWhenItsLeaseRunsOut) {
  // Another process claimed the delivery and died before finishing it.
  const UnixMicros lease_until = clock_.NowMicros() + 70 * kSecond;
  ASSERT_TRUE(
      db_.RunInTransaction([&](store::Transaction& tx) -> Status {
           return tx.webhook_outbox().Claim(clock_.NowMicros(), "dead-1", lease_until, 10).status();
         })
          .ok());
  Dispatcher d(db_, clock_, poster_, options_, nullptr);
  EXPECT_EQ(Run(d), 0u);
  clock_.Set(lease_until);
  EXPECT_EQ(Run(d), 1u);
  EXPECT_EQ(Delivery().status, model::DeliveryStatus::kDelivered);
  EXPECT_EQ(Attempts()[0].attempt, 2) << "the lost attempt counts";
}

TEST_F(DispatcherTest, DisabledEndpointsWait) {
  ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                   auto e = *tx.webhook_endpoints().Find(1, endpoint_id_);
                   e->enabled = false;
                   return tx.webhook_endpoints().Update(*e);
                 })
                  .ok());
  Dispatcher d(db_, clock_, poster_, options_, nullptr);
  EXPECT_EQ(Run(d), 0u);
  EXPECT_TRUE(poster_.calls.empty());
  EXPECT_EQ(Delivery().status, model::DeliveryStatus::kPending);
}

TEST_F(DispatcherTest, WorkersDeliverAfterAWake) {
  DispatcherOptions fast = options_;
  fast.poll_interval = 3600 * kSecond;  // only Wake() or the first look can find work
  Dispatcher d(db_, clock_, poster_, fast, nullptr);
  d.Start();
  for (int i = 0; i < 500 && Delivery().status != model::DeliveryStatus::kDelivered; ++i) {
    d.Wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.Stop();
  EXPECT_EQ(Delivery().status, model::DeliveryStatus::kDelivered);
  EXPECT_EQ(poster_.calls.size(), 1u);
}

TEST(DispatcherOptionsTest, ValidationRejectsNonsense) {
  DispatcherOptions o;
  EXPECT_TRUE(ValidateDispatcherOptions(o).ok());
  o.workers = 0;
  EXPECT_EQ(ValidateDispatcherOptions(o).code(), StatusCode::kInvalidArgument);
  o = {};
  o.batch = 0;
  EXPECT_EQ(ValidateDispatcherOptions(o).code(), StatusCode::kInvalidArgument);
  o.batch = kMaxDispatcherBatch;
  EXPECT_TRUE(ValidateDispatcherOptions(o).ok());
  o.batch = kMaxDispatcherBatch + 1;
  EXPECT_EQ(ValidateDispatcherOptions(o).code(), StatusCode::kInvalidArgument);
  o.batch = static_cast<std::size_t>(-1);  // what "-1" used to become
  EXPECT_EQ(ValidateDispatcherOptions(o).code(), StatusCode::kInvalidArgument);
  o = {};
  o.retry.timeout = -1;
  EXPECT_EQ(ValidateDispatcherOptions(o).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace restock::webhooks
