// Webhook endpoints, the outbox and the attempt log of store/webhook_repos.h, on every backend.
#include <algorithm>
#include <chrono>

#include "model/webhook.h"
#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

using model::AttemptOutcome;
using model::DeliveryAttempt;
using model::DeliveryStatus;
using model::WebhookDelivery;
using model::WebhookEndpoint;
using model::WebhookEventType;

class StoreWebhookRepoTest : public StorePlacementRepoTest {
 protected:
  WebhookEndpoint MakeEndpoint(model::MerchantId merchant, std::string url) {
    WebhookEndpoint e;
    e.merchant_id = merchant;
    e.url = std::move(url);
    e.events = {WebhookEventType::kStockChanged, WebhookEventType::kOrderPlaced};
    e.secret = "whsec_abc";
    e.created = e.updated = 1'780'000'000'000'000;
    return e;
  }

  std::int64_t CreateEndpoint(const WebhookEndpoint& e) {
    return Write([&](Transaction& tx) { return tx.webhook_endpoints().Create(e); });
  }

  WebhookDelivery MakeDelivery(model::MerchantId merchant, std::int64_t endpoint,
                               std::string event_id, UnixMicros due) {
    WebhookDelivery d;
    d.merchant_id = merchant;
    d.endpoint_id = endpoint;
    d.event_id = std::move(event_id);
    d.type = WebhookEventType::kStockChanged;
    d.body = R"({"id":")" + d.event_id + R"(","data":{"name":"caf\u00e9 ☕"}})";
    d.created = due;
    d.next_attempt_at = due;
    return d;
  }

  void Enqueue(const std::vector<WebhookDelivery>& deliveries) {
    ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.webhook_outbox().Enqueue(deliveries); }),
              Status::Ok());
  }

  std::optional<EndpointClaim> ClaimEndpoint(UnixMicros now, const std::string& token,
                                             UnixMicros until, std::size_t limit) {
    return Write(
        [&](Transaction& tx) { return tx.webhook_outbox().Claim(now, token, until, limit); });
  }
  // The deliveries of the next claim (empty when no endpoint qualifies).
  std::vector<WebhookDelivery> Claim(UnixMicros now, const std::string& token, UnixMicros until,
                                     std::size_t limit) {
    std::optional<EndpointClaim> claim = ClaimEndpoint(now, token, until, limit);
    return claim ? claim->deliveries : std::vector<WebhookDelivery>();
  }
  void EndClaim(model::MerchantId merchant, std::int64_t endpoint, const std::string& token,
                int failures, UnixMicros backoff_until) {
    ASSERT_EQ(WriteStatus([&](Transaction& tx) {
                return tx.webhook_outbox().EndClaim(merchant, endpoint, token, failures,
                                                    backoff_until);
              }),
              Status::Ok());
  }

  bool Complete(std::int64_t id, const std::string& token, DeliveryStatus status, UnixMicros next,
                UnixMicros now) {
    return Write([&](Transaction& tx) {
      return tx.webhook_outbox().Complete(id, token, status, next, now);
    });
  }

  std::vector<WebhookDelivery> ListAll(model::MerchantId merchant, std::int64_t endpoint) {
    return Read([&](Transaction& tx) {
      return tx.webhook_outbox().ListForEndpoint(merchant, endpoint, 0, 0, 1000);
    });
  }
};

TEST_P(StoreWebhookRepoTest, EndpointCreateFindListUpdateRoundTripEveryField) {
  WebhookEndpoint e = MakeEndpoint(merchant_, "https://example.com/hook?a=1");
  e.events = {WebhookEventType::kLowStock, WebhookEventType::kOrderOosNotice,
              WebhookEventType::kOrderCancelled};
  std::int64_t id = CreateEndpoint(e);
  ASSERT_GT(id, 0);
  e.id = id;
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.webhook_endpoints().Find(merchant_, id); }), e);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.webhook_endpoints().Find(other_, id); }),
            std::nullopt)
      << "another merchant's endpoint is invisible";

  std::int64_t second = CreateEndpoint(MakeEndpoint(merchant_, "http://127.0.0.1:9/x"));
  CreateEndpoint(MakeEndpoint(other_, "http://other/"));
  EXPECT_GT(second, id);
  auto listed =
      Read([&](Transaction& tx) { return tx.webhook_endpoints().ListForMerchant(merchant_); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], e);
  EXPECT_EQ(listed[1].id, second);

  e.url = "https://example.org/new";
  e.events = {WebhookEventType::kOrderOutOfStock};
  e.previous_secret = e.secret;
  e.previous_secret_expires = 1'780'000'086'400'000;
  e.secret = "whsec_new";
  e.enabled = false;
  e.updated = 1'780'000'000'000'999;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.webhook_endpoints().Update(e); }),
            Status::Ok());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.webhook_endpoints().Find(merchant_, id); }), e);

  WebhookEndpoint foreign = e;
  foreign.merchant_id = other_;
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.webhook_endpoints().Update(foreign); }).code(),
      StatusCode::kNotFound);
}

TEST_P(StoreWebhookRepoTest, OutboxRoundTripsBodiesByteForByte) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  WebhookDelivery d = MakeDelivery(merchant_, ep, "evt_1", 100);
  d.type = WebhookEventType::kOrderCancelled;
  Enqueue({d});
  auto all = ListAll(merchant_, ep);
  ASSERT_EQ(all.size(), 1u);
  d.id = all[0].id;
  EXPECT_EQ(all[0], d);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.webhook_outbox().Find(merchant_, d.id); }), d);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.webhook_outbox().Find(other_, d.id); }),
            std::nullopt);
}

TEST_P(StoreWebhookRepoTest, ClaimTakesOnlyDuePendingRowsOfEnabledEndpointsAndLeasesThem) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  WebhookEndpoint off = MakeEndpoint(merchant_, "http://off/");
  off.enabled = false;
  std::int64_t disabled = CreateEndpoint(off);
  Enqueue({MakeDelivery(merchant_, ep, "e1", 100), MakeDelivery(merchant_, ep, "e2", 200),
           MakeDelivery(merchant_, ep, "future", 5000),
           MakeDelivery(merchant_, disabled, "e3", 100)});

  auto claimed = Claim(300, "t1", 1300, 10);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].event_id, "e1");
  EXPECT_EQ(claimed[1].event_id, "e2");
  for (const auto& d : claimed) {
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.next_attempt_at, 1300);
    EXPECT_EQ(d.status, DeliveryStatus::kPending);
  }
  EXPECT_TRUE(Claim(1299, "t2", 2000, 10).empty()) << "leased rows are not claimed again";

  // The lease runs out (the claimant died): someone else gets them, as a second attempt.
  auto again = Claim(1300, "t3", 2300, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].event_id, "e1");
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_FALSE(Complete(again[0].id, "t1", DeliveryStatus::kDelivered, 0, 1400))
      << "the first claimant lost its lease";
  EXPECT_TRUE(Complete(again[0].id, "t3", DeliveryStatus::kDelivered, 0, 1400));
  EXPECT_FALSE(Complete(again[0].id, "t3", DeliveryStatus::kDelivered, 0, 1400))
      << "a claim completes once";

  auto all = ListAll(merchant_, ep);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].status, DeliveryStatus::kDelivered);
  EXPECT_EQ(all[0].completed, 1400);
  EXPECT_TRUE(Claim(100000, "t4", 200000, 10).size() == 2u)
      << "e2 (lease ran out) and future are due; delivered e1 and the disabled endpoint's are not";
}

TEST_P(StoreWebhookRepoTest, EndpointsTakeTurnsOneClaimEachAndBackOffAsAWhole) {
  std::int64_t a = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  std::int64_t b = CreateEndpoint(MakeEndpoint(other_, "http://b/"));
  Enqueue({MakeDelivery(merchant_, a, "a1", 100), MakeDelivery(merchant_, a, "a2", 110),
           MakeDelivery(merchant_, a, "a3", 120), MakeDelivery(other_, b, "b1", 150)});

  // A is claimed first (never claimed, lower id) but only up to the limit; while its claim
  // lives, the next claim takes B although A has more due rows.
  auto first = ClaimEndpoint(200, "t1", 10'000, 2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->endpoint_id, a);
  EXPECT_EQ(first->merchant_id, merchant_);
  EXPECT_EQ(first->failures, 0);
  ASSERT_EQ(first->deliveries.size(), 2u);
  EXPECT_EQ(first->deliveries[0].event_id, "a1");
  EXPECT_EQ(first->deliveries[1].event_id, "a2");
  auto second = ClaimEndpoint(200, "t2", 10'000, 2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->endpoint_id, b);
  EXPECT_EQ(second->merchant_id, other_);
  EXPECT_FALSE(ClaimEndpoint(200, "t3", 10'000, 2)) << "both endpoints are claimed";

  // A's claim ends after a failure: a2 goes back unattempted, A backs off until 5000.
  EXPECT_TRUE(Write([&](Transaction& tx) {
    return tx.webhook_outbox().Release(first->deliveries[1].id, "t1", 200);
  }));
  EXPECT_FALSE(Write([&](Transaction& tx) {
    return tx.webhook_outbox().Release(first->deliveries[1].id, "t1", 200);
  })) << "released once";
  EXPECT_TRUE(Complete(first->deliveries[0].id, "t1", DeliveryStatus::kPending, 300, 250));
  EndClaim(other_, a, "t1", 3, 5'000);  // another merchant's id: changes nothing
  EXPECT_FALSE(ClaimEndpoint(400, "t4", 10'000, 5)) << "A is still claimed";
  EndClaim(merchant_, a, "t1", 3, 5'000);
  EXPECT_FALSE(ClaimEndpoint(4'999, "t4", 10'000, 5)) << "A backs off";
  auto after = ClaimEndpoint(5'000, "t5", 10'000, 5);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->endpoint_id, a);
  EXPECT_EQ(after->failures, 3);
  ASSERT_EQ(after->deliveries.size(), 3u);
  EXPECT_EQ(after->deliveries[0].event_id, "a3");  // due at 120, then a2 (200), a1 (300)
  EXPECT_EQ(after->deliveries[1].event_id, "a2");
  EXPECT_EQ(after->deliveries[1].attempts, 1) << "the release undid the unattempted claim";
  EXPECT_EQ(after->deliveries[2].event_id, "a1");
  EXPECT_EQ(after->deliveries[2].attempts, 2);
}

TEST_P(StoreWebhookRepoTest, EndpointsTakeTurnsLeastRecentlyClaimedFirst) {
  std::int64_t a = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  std::int64_t b = CreateEndpoint(MakeEndpoint(merchant_, "http://b/"));
  std::vector<WebhookDelivery> many;
  for (int i = 0; i < 6; ++i)
    many.push_back(MakeDelivery(merchant_, a, "a" + std::to_string(i), 10));
  many.push_back(MakeDelivery(merchant_, b, "b", 50));
  Enqueue(many);
  auto one = ClaimEndpoint(100, "t1", 1'000, 2);
  ASSERT_TRUE(one && one->endpoint_id == a);
  EndClaim(merchant_, a, "t1", 0, 0);
  // A still has older due rows, but B has not had a turn.
  auto two = ClaimEndpoint(101, "t2", 1'000, 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->endpoint_id, b);
}

// A claim must not walk rows it cannot take: 50,000 pending rows of a disabled endpoint used
// to be read (and filtered) by every claim, every poll. The fastest of 20 claims with them
// must stay close to the fastest of 20 claims without them (it was about 1,000 times slower).
TEST_P(StoreWebhookRepoTest, ClaimsDoNotScanRowsOfDisabledOrBackingOffEndpoints) {
  std::int64_t live = CreateEndpoint(MakeEndpoint(merchant_, "http://live/"));
  auto fastest_claim = [&](int round) {
    auto best = std::chrono::nanoseconds::max();
    for (int i = 0; i < 20; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      // Nothing due for the live endpoint: each claim comes back empty.
      EXPECT_FALSE(ClaimEndpoint(1'000, "t" + std::to_string(round * 100 + i), 2'000, 8));
      best = std::min(best, std::chrono::steady_clock::now() - t0);
    }
    return best;
  };
  Enqueue({MakeDelivery(merchant_, live, "later", 5'000)});
  const auto baseline = fastest_claim(0);

  WebhookEndpoint off = MakeEndpoint(merchant_, "http://off/");
  off.enabled = false;
  std::int64_t disabled = CreateEndpoint(off);
  std::int64_t failing = CreateEndpoint(MakeEndpoint(other_, "http://failing/"));
  for (int chunk = 0; chunk < 10; ++chunk) {
    std::vector<WebhookDelivery> rows;
    for (int i = 0; i < 5'000; ++i) {
      rows.push_back(MakeDelivery(merchant_, disabled, "d", 100));
    }
    Enqueue(rows);
  }
  Enqueue({MakeDelivery(other_, failing, "f", 100)});
  auto claim = ClaimEndpoint(150, "fail", 10'000, 8);
  ASSERT_TRUE(claim && claim->endpoint_id == failing);
  EndClaim(other_, failing, "fail", 1, 1'000'000);  // backing off
  const auto with_backlog = fastest_claim(1);
  EXPECT_LT(with_backlog, std::max(baseline * 10, std::chrono::nanoseconds(3'000'000)))
      << "baseline " << baseline.count() << " ns, with 50,000 disabled rows "
      << with_backlog.count() << " ns";
}

TEST_P(StoreWebhookRepoTest, CompleteReschedulesOrFinishes) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  Enqueue({MakeDelivery(merchant_, ep, "e1", 100), MakeDelivery(merchant_, ep, "e2", 100)});
  auto claimed = Claim(100, "t", 500, 10);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_TRUE(Complete(claimed[0].id, "t", DeliveryStatus::kPending, 10'000, 200));
  EXPECT_TRUE(Complete(claimed[1].id, "t", DeliveryStatus::kFailed, 0, 200));
  EXPECT_TRUE(Claim(9'999, "u", 20'000, 10).empty());
  auto retry = Claim(10'000, "u", 20'000, 10);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].id, claimed[0].id);
  EXPECT_EQ(retry[0].attempts, 2);
  EXPECT_EQ(retry[0].completed, std::nullopt);
  auto all = ListAll(merchant_, ep);
  EXPECT_EQ(all[1].status, DeliveryStatus::kFailed);
  EXPECT_EQ(all[1].completed, 200);
  EXPECT_EQ(Read([&](Transaction& tx) {
              return tx.webhook_outbox().CountByStatus(DeliveryStatus::kFailed);
            }),
            1);
}

TEST_P(StoreWebhookRepoTest, ListForEndpointFiltersBySinceAndPages) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  std::int64_t ep2 = CreateEndpoint(MakeEndpoint(merchant_, "http://b/"));
  Enqueue({MakeDelivery(merchant_, ep, "old", 100), MakeDelivery(merchant_, ep, "new1", 300),
           MakeDelivery(merchant_, ep2, "elsewhere", 300),
           MakeDelivery(merchant_, ep, "new2", 400)});
  auto since = Read([&](Transaction& tx) {
    return tx.webhook_outbox().ListForEndpoint(merchant_, ep, 300, 0, 1);
  });
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].event_id, "new1");
  auto next = Read([&](Transaction& tx) {
    return tx.webhook_outbox().ListForEndpoint(merchant_, ep, 300, since[0].id, 10);
  });
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].event_id, "new2");
  EXPECT_TRUE(Read([&](Transaction& tx) {
                return tx.webhook_outbox().ListForEndpoint(other_, ep, 0, 0, 10);
              }).empty());
}

TEST_P(StoreWebhookRepoTest, AttemptsRoundTripNewestFirstWithPaging) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  DeliveryAttempt a;
  a.merchant_id = merchant_;
  a.endpoint_id = ep;
  a.delivery_id = 7;
  a.event_id = "evt_x";
  a.type = WebhookEventType::kOrderPlaced;
  a.attempt = 1;
  a.started = 1000;
  a.duration_micros = 5'000'123;
  a.error = "timeout";
  a.outcome = AttemptOutcome::kRetry;
  DeliveryAttempt b = a;
  b.attempt = 2;
  b.status_code = 204;
  b.error = "";
  b.outcome = AttemptOutcome::kDelivered;
  a.id = Write([&](Transaction& tx) { return tx.webhook_attempts().Append(a); });
  b.id = Write([&](Transaction& tx) { return tx.webhook_attempts().Append(b); });
  EXPECT_GT(b.id, a.id);
  auto all = Read([&](Transaction& tx) {
    return tx.webhook_attempts().ListForEndpoint(merchant_, ep, std::nullopt, 10);
  });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], b);
  EXPECT_EQ(all[1], a);
  auto page = Read([&](Transaction& tx) {
    return tx.webhook_attempts().ListForEndpoint(merchant_, ep, b.id, 10);
  });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0], a);
  EXPECT_TRUE(Read([&](Transaction& tx) {
                return tx.webhook_attempts().ListForEndpoint(other_, ep, std::nullopt, 10);
              }).empty());
}

TEST_P(StoreWebhookRepoTest, OutboxRowsSurviveReopen) {
  std::int64_t ep = CreateEndpoint(MakeEndpoint(merchant_, "http://a/"));
  Enqueue({MakeDelivery(merchant_, ep, "durable", 100)});
  Reopen();
  ASSERT_FALSE(HasFatalFailure());
  auto all = ListAll(merchant_, ep);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].event_id, "durable");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreWebhookRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
