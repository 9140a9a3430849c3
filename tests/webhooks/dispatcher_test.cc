#include "webhooks/dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

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
    if (failing_url == url) return {500, ""};
    if (results.empty()) return {200, ""};
    PostResult r = results.front();
    results.pop_front();
    return r;
  }
  std::mutex mu;
  std::vector<Call> calls;
  std::deque<PostResult> results;
  std::string failing_url;  // always answers 500
};

// Blocks every Post until AbandonAll, like a receiver that never answers.
class HangingPoster final : public Poster {
 public:
  PostResult Post(const std::string&, const std::string&,
                  const std::vector<std::pair<std::string, std::string>>&, UnixMicros) override {
    std::unique_lock lock(mu_);
    ++in_flight_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return abandoned_; });
    return {std::nullopt, "abandoned", true};
  }
  void AbandonAll() override {
    std::lock_guard lock(mu_);
    abandoned_ = true;
    cv_.notify_all();
  }
  void WaitInFlight() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ > 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  bool abandoned_ = false;
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

  // A second endpoint (of merchant 2) with `n` deliveries due now; returns its id.
  std::int64_t AddEndpoint(const std::string& url, int n, model::MerchantId merchant = 2) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                     model::WebhookEndpoint e;
                     e.merchant_id = merchant;
                     e.url = url;
                     e.events = {model::WebhookEventType::kStockChanged};
                     e.secret = "secret-2";
                     e.enabled = true;
                     RESTOCK_ASSIGN_OR_RETURN(id, tx.webhook_endpoints().Create(e));
                     std::vector<model::WebhookDelivery> ds(n);
                     for (int i = 0; i < n; ++i) {
                       ds[i].merchant_id = merchant;
                       ds[i].endpoint_id = id;
                       ds[i].event_id = url + std::to_string(i);
                       ds[i].body = "{}";
                       ds[i].created = ds[i].next_attempt_at = clock_.NowMicros();
                     }
                     return tx.webhook_outbox().Enqueue(ds);
                   })
                    .ok());
    return id;
  }
  std::vector<model::WebhookDelivery> DeliveriesOf(std::int64_t endpoint) {
    std::vector<model::WebhookDelivery> out;
    for (auto& [id, row] : db_.Snapshot().webhooks.outbox) {
      if (row.delivery.endpoint_id == endpoint) out.push_back(row.delivery);
    }
    return out;
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

TEST_F(DispatcherTest, AFailingEndpointBacksOffWithoutHoldingTheOthers) {
  const std::int64_t dead = AddEndpoint("http://dead/", 5, 3);
  const std::int64_t live = AddEndpoint("http://live/", 2);
  poster_.failing_url = "http://dead/";
  clock_.AdvanceSeconds(1);
  Dispatcher d(db_, clock_, poster_, options_, nullptr);
  // Each endpoint gets its turn: the first (receiver), then the dead one — one attempt, after
  // which its other four go back unattempted — then the live one.
  while (Run(d) > 0) {
  }
  std::vector<std::string> urls;
  for (const auto& c : poster_.calls) urls.push_back(c.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"http://receiver/hook", "http://dead/", "http://live/",
                                            "http://live/"}));
  for (const auto& delivery : DeliveriesOf(live)) {
    EXPECT_EQ(delivery.status, model::DeliveryStatus::kDelivered);
  }
  int attempted = 0;
  for (const auto& delivery : DeliveriesOf(dead)) attempted += delivery.attempts;
  EXPECT_EQ(attempted, 1) << "the unattempted rest went back without counting an attempt";
  // The dead endpoint is not tried again before its backoff (60 s after one failure) ends,
  // although four of its deliveries are due.
  clock_.AdvanceSeconds(59);
  EXPECT_EQ(Run(d), 0u);
  clock_.AdvanceSeconds(1);
  EXPECT_EQ(Run(d), 5u) << "all five are claimed together";
  EXPECT_EQ(poster_.calls.size(), 5u) << "and only the first is attempted";
  clock_.AdvanceSeconds(119);
  EXPECT_EQ(Run(d), 0u) << "the second failure in a row doubles the backoff";
  clock_.AdvanceSeconds(1);
  poster_.failing_url.clear();
  while (Run(d) > 0) {
  }
  for (const auto& delivery : DeliveriesOf(dead)) {
    EXPECT_EQ(delivery.status, model::DeliveryStatus::kDelivered);
  }
}

TEST_F(DispatcherTest, StopAbandonsTheAttemptInFlightAndGivesBackTheRest) {
  // The fixture's endpoint gets two more deliveries: three in one claim.
  clock_.AdvanceSeconds(1);
  ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                   std::vector<model::WebhookDelivery> ds(2);
                   for (int i = 0; i < 2; ++i) {
                     ds[i].merchant_id = 1;
                     ds[i].endpoint_id = endpoint_id_;
                     ds[i].event_id = "evt_more" + std::to_string(i);
                     ds[i].body = "{}";
                     ds[i].created = ds[i].next_attempt_at = clock_.NowMicros();
                   }
                   return tx.webhook_outbox().Enqueue(ds);
                 })
                  .ok());
  HangingPoster hanging;
  DispatcherOptions o = options_;
  o.workers = 1;
  o.shutdown_grace = 50'000;
  Dispatcher d(db_, clock_, hanging, o, nullptr);
  d.Start();
  hanging.WaitInFlight();
  const auto t0 = std::chrono::steady_clock::now();
  d.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  auto log = Attempts();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].outcome, model::AttemptOutcome::kRetry);
  const auto rows = DeliveriesOf(endpoint_id_);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].next_attempt_at, clock_.NowMicros()) << "due again at once";
  for (const auto& row : rows) EXPECT_EQ(row.status, model::DeliveryStatus::kPending);
  EXPECT_EQ(rows[1].attempts + rows[2].attempts, 0) << "never attempted: given back";
  // The claim ended: a new dispatcher (the next start) takes the endpoint at once.
  Dispatcher next(db_, clock_, poster_, options_, nullptr);
  EXPECT_EQ(Run(next), 3u);
  EXPECT_EQ(poster_.calls.size(), 3u);
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
