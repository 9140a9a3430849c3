#include "webhooks/endpoints.h"

#include <gtest/gtest.h>

#include <set>

#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::webhooks {
namespace {

using model::WebhookEventType;

TEST(EndpointRulesTest, UrlsMustBeAbsoluteHttpWithAHost) {
  for (const char* ok : {"http://example.com", "https://example.com/hooks?x=1",
                         "http://127.0.0.1:8080/h", "https://[::1]:9/x", "http://u:p@host/"}) {
    EXPECT_TRUE(ValidateUrl(ok).ok()) << ok;
  }
  for (const char* bad : {"", "example.com", "ftp://x/", "http://", "http:///path", "http://h:/",
                          "http://h:99999999/", "http://h:8a/", "http://a b/", "http://a/\n",
                          "https://[::1/", "http://h:0/", "http://h:65536/", "http://ex$ample.com/",
                          "http://-a.example/", "http://a..b/", "http://[zz::1]/", "http://h;x/"}) {
    EXPECT_EQ(ValidateUrl(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ValidateUrl("http://h/" + std::string(kMaxUrlBytes, 'a')).ok());
}

TEST(EndpointRulesTest, UrlHostKeepsIpv6Brackets) {
  EXPECT_EQ(UrlHost("http://u:p@Example.com:80/x"), "Example.com");
  EXPECT_EQ(UrlHost("https://[::1]:9/x"), "[::1]");
  EXPECT_EQ(UrlHost("http://h?q=1"), "h");
}

TEST(EndpointRulesTest, EventTypeListsAreParsedDedupedAndChecked) {
  EXPECT_EQ(
      *ParseEventTypeList("order.placed, product.low_stock,order.placed"),
      (std::vector<WebhookEventType>{WebhookEventType::kOrderPlaced, WebhookEventType::kLowStock}));
  EXPECT_EQ(ParseEventTypeList("").status().code(), StatusCode::kInvalidArgument);
  Status unknown = ParseEventTypeList("order.placed,order.shipped").status();
  EXPECT_NE(unknown.message().find("'order.shipped'"), std::string::npos);
  EXPECT_EQ(ParseEventTypeList("order.placed,").status().code(), StatusCode::kInvalidArgument);
}

TEST(EndpointRulesTest, SecretsArePrintableAndLongEnough) {
  EXPECT_TRUE(ValidateSecret("0123456789abcdef").ok());
  EXPECT_FALSE(ValidateSecret("0123456789abcde").ok());
  EXPECT_FALSE(ValidateSecret("0123456789abcdef ").ok());
  EXPECT_FALSE(ValidateSecret(std::string(kMaxSecretBytes + 1, 'a')).ok());
  EXPECT_TRUE(ValidateSecret(NewSecret()).ok());
  EXPECT_NE(NewSecret(), NewSecret());
}

TEST(EndpointRulesTest, TimestampsInThreeForms) {
  EXPECT_EQ(*ParseTimestamp("1700000000"), 1'700'000'000'000'000);
  EXPECT_EQ(*ParseTimestamp("2023-11-14T22:13:20Z"), 1'700'000'000'000'000);
  EXPECT_EQ(*ParseTimestamp("2023-11-14T22:13:20.5Z"), 1'700'000'000'500'000);
  EXPECT_EQ(*ParseTimestamp("2023-11-14"), 1'699'920'000'000'000);
  for (const char* bad : {"", "yesterday", "2023-11-14T25:00:00Z", "2023-02-30",
                          "2023-11-14T22:13:20", "2023-11-14 22:13:20Z", "-5"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

class EndpointServiceTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  EndpointService service_{db_, clock_};
};

TEST_F(EndpointServiceTest, PrivateAddressLiteralsAreRefusedUnlessAllowed) {
  const std::vector<WebhookEventType> events = {WebhookEventType::kOrderPlaced};
  for (const char* url : {"http://127.0.0.1:8080/h", "http://[::1]/", "http://169.254.169.254/",
                          "http://10.0.0.8/", "http://0.0.0.0/", "http://127.1/"}) {
    auto refused = service_.Add(1, url, events, std::nullopt);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << url;
  }
  EXPECT_TRUE(db_.state().webhooks.endpoints.empty());
  EXPECT_TRUE(service_.Add(1, "http://localhost:9/h", events, std::nullopt).ok());
  EndpointService allowing(db_, clock_, core::TargetPolicy(*core::ParseCidrList("127.0.0.0/8")));
  EXPECT_TRUE(allowing.Add(1, "http://127.0.0.1:8080/h", events, std::nullopt).ok());
  EXPECT_FALSE(allowing.Add(1, "http://[::1]/", events, std::nullopt).ok());
}

TEST_F(EndpointServiceTest, ReplayBySinceCommitsChunksThroughTheWriterEachEventOnce) {
  auto e = service_.Add(1, "http://x/", {WebhookEventType::kStockChanged}, std::nullopt);
  ASSERT_TRUE(e.ok());
  // 1,200 rows of 1,100 events: 100 were delivered twice, far apart (in different chunks).
  const std::size_t events = 1100;
  ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                   std::vector<model::WebhookDelivery> ds;
                   for (std::size_t i = 0; i < events + 100; ++i) {
                     model::WebhookDelivery d;
                     d.merchant_id = 1;
                     d.endpoint_id = e->id;
                     d.event_id = "evt_" + std::to_string(i < events ? i : i - events);
                     d.body = d.event_id;
                     d.created = 100;
                     d.status = model::DeliveryStatus::kDelivered;
                     ds.push_back(std::move(d));
                   }
                   return tx.webhook_outbox().Enqueue(ds);
                 })
                  .ok());
  const std::size_t before = db_.state().webhooks.outbox.size();
  db_.submits = 0;
  EXPECT_EQ(*service_.Replay(1, e->id, {std::nullopt, 0}), events);
  EXPECT_EQ(db_.state().webhooks.outbox.size(), before + events);
  EXPECT_EQ(static_cast<std::size_t>(db_.submits.load()),
            (events + kReplayChunk - 1) / kReplayChunk)
      << "one writer transaction per chunk, not one for the whole replay";
  std::set<std::string> replayed;
  for (const auto& [id, row] : db_.state().webhooks.outbox) {
    if (row.delivery.status == model::DeliveryStatus::kPending) {
      EXPECT_TRUE(replayed.insert(row.delivery.event_id).second) << row.delivery.event_id;
    }
  }
  EXPECT_EQ(replayed.size(), events);
  EXPECT_EQ(service_.Replay(2, e->id, {std::nullopt, 0}).status().code(), StatusCode::kNotFound)
      << "another merchant's endpoint";
}

// `n` deliveries of `endpoint` (merchant `m`), each with one attempt in the log.
void AddHistory(testing::FakeDatabase& db, model::MerchantId m, std::int64_t endpoint, int n,
                model::DeliveryStatus status, UnixMicros when) {
  ASSERT_TRUE(db.RunInTransaction([&](store::Transaction& tx) -> Status {
                  for (int i = 0; i < n; ++i) {
                    model::WebhookDelivery d;
                    d.merchant_id = m;
                    d.endpoint_id = endpoint;
                    d.event_id = "evt_" + std::to_string(endpoint) + "_" + std::to_string(i);
                    d.created = d.next_attempt_at = when;
                    d.status = status;
                    if (status != model::DeliveryStatus::kPending) d.completed = when;
                    RESTOCK_RETURN_IF_ERROR(tx.webhook_outbox().Enqueue(std::span(&d, 1)));
                    model::DeliveryAttempt a;
                    a.merchant_id = m;
                    a.endpoint_id = endpoint;
                    a.event_id = d.event_id;
                    a.started = when;
                    RESTOCK_RETURN_IF_ERROR(tx.webhook_attempts().Append(a).status());
                  }
                  return Status::Ok();
                }).ok());
}

TEST_F(EndpointServiceTest, RemoveDeletesTheEndpointItsDeliveriesAndLogInChunks) {
  const std::vector<WebhookEventType> events = {WebhookEventType::kStockChanged};
  auto gone = service_.Add(1, "http://gone/", events, std::nullopt);
  auto kept = service_.Add(1, "http://kept/", events, std::nullopt);
  auto other = service_.Add(2, "http://other/", events, std::nullopt);
  ASSERT_TRUE(gone.ok() && kept.ok() && other.ok());
  AddHistory(db_, 1, gone->id, static_cast<int>(kRemoveChunk) + 5, model::DeliveryStatus::kPending,
             clock_.NowMicros());
  AddHistory(db_, 1, kept->id, 3, model::DeliveryStatus::kDelivered, clock_.NowMicros());
  AddHistory(db_, 2, other->id, 3, model::DeliveryStatus::kDelivered, clock_.NowMicros());

  EXPECT_EQ(service_.Remove(2, gone->id).code(), StatusCode::kNotFound) << "another merchant's";
  EXPECT_TRUE(service_.Get(1, gone->id).ok());
  db_.submits = 0;
  ASSERT_TRUE(service_.Remove(1, gone->id).ok());
  EXPECT_GE(db_.submits.load(), 3) << "chunks, then the endpoint";
  EXPECT_EQ(service_.Get(1, gone->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Remove(1, gone->id).code(), StatusCode::kNotFound);
  for (const auto& [id, row] : db_.state().webhooks.outbox) {
    EXPECT_NE(row.delivery.endpoint_id, gone->id);
  }
  for (const auto& [id, a] : db_.state().webhooks.attempts) EXPECT_NE(a.endpoint_id, gone->id);
  EXPECT_EQ(db_.state().webhooks.outbox.size(), 6u);
  EXPECT_EQ(db_.state().webhooks.attempts.size(), 6u);
}

TEST_F(EndpointServiceTest, PruningDeletesOnlyFinishedDeliveriesAndAttemptsOlderThanTheCutoff) {
  const std::vector<WebhookEventType> events = {WebhookEventType::kStockChanged};
  auto e = service_.Add(1, "http://x/", events, std::nullopt);
  auto f = service_.Add(2, "http://y/", events, std::nullopt);
  ASSERT_TRUE(e.ok() && f.ok());
  const UnixMicros old = 1'000, cutoff = 2'000, recent = 3'000;
  AddHistory(db_, 1, e->id, 3, model::DeliveryStatus::kDelivered, old);
  AddHistory(db_, 2, f->id, static_cast<int>(kRemoveChunk) + 1, model::DeliveryStatus::kFailed,
             old);
  AddHistory(db_, 1, e->id, 2, model::DeliveryStatus::kPending, old);  // never pruned
  AddHistory(db_, 1, e->id, 4, model::DeliveryStatus::kDelivered, recent);
  auto pruned = PruneDeliveryHistory(db_, cutoff);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  // Old finished deliveries (3 + 2001) and old attempts (3 + 2001 + 2).
  EXPECT_EQ(*pruned, 2 * (3 + kRemoveChunk + 1) + 2);
  std::size_t pending = 0, delivered = 0;
  for (const auto& [id, row] : db_.state().webhooks.outbox) {
    pending += row.delivery.status == model::DeliveryStatus::kPending;
    delivered += row.delivery.status == model::DeliveryStatus::kDelivered;
  }
  EXPECT_EQ(pending, 2u);
  EXPECT_EQ(delivered, 4u);
  EXPECT_EQ(db_.state().webhooks.attempts.size(), 4u);
  EXPECT_EQ(*PruneDeliveryHistory(db_, cutoff), 0u);
}

TEST_F(EndpointServiceTest, RotationKeepsTheOldSecretForADayAndOnlyOneOld) {
  auto e = service_.Add(1, "http://x/", {WebhookEventType::kOrderPlaced}, "secret-number-one");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->secret, "secret-number-one");
  auto r1 = service_.Rotate(1, e->id, "secret-number-two");
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->previous_secret, "secret-number-one");
  EXPECT_EQ(r1->previous_secret_expires, clock_.NowMicros() + kDefaultRotationOverlap);
  auto r2 = service_.Rotate(1, e->id, std::nullopt);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->previous_secret, "secret-number-two");
  EXPECT_EQ(r2->secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(service_.Rotate(2, e->id, std::nullopt).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Rotate(1, e->id, r2->secret).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EndpointServiceTest, ReplayCopiesEventsOnceEachAndChecksOwnership) {
  auto e = service_.Add(1, "http://x/", {WebhookEventType::kStockChanged}, std::nullopt);
  auto other = service_.Add(1, "http://y/", {WebhookEventType::kStockChanged}, std::nullopt);
  ASSERT_TRUE(e.ok() && other.ok());
  ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) -> Status {
                   std::vector<model::WebhookDelivery> ds(3);
                   const char* ids[] = {"evt_1", "evt_2", "evt_1"};
                   for (int i = 0; i < 3; ++i) {
                     ds[i].merchant_id = 1;
                     ds[i].endpoint_id = e->id;
                     ds[i].event_id = ids[i];
                     ds[i].body = ids[i];
                     ds[i].created = 100 + i;
                     ds[i].status = model::DeliveryStatus::kFailed;
                     ds[i].attempts = 60;
                   }
                   return tx.webhook_outbox().Enqueue(ds);
                 })
                  .ok());
  const std::size_t before = db_.state().webhooks.outbox.size();
  EXPECT_EQ(*service_.Replay(1, e->id, {std::nullopt, 0}), 2u);
  EXPECT_EQ(db_.state().webhooks.outbox.size(), before + 2);
  const auto& copy = db_.state().webhooks.outbox.rbegin()->second.delivery;
  EXPECT_EQ(copy.status, model::DeliveryStatus::kPending);
  EXPECT_EQ(copy.attempts, 0);
  EXPECT_EQ(copy.next_attempt_at, clock_.NowMicros());
  std::int64_t first = db_.state().webhooks.outbox.begin()->first;
  EXPECT_EQ(*service_.Replay(1, e->id, {first, std::nullopt}), 1u);
  EXPECT_EQ(service_.Replay(1, other->id, {first, std::nullopt}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_.Replay(1, e->id, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.Replay(1, e->id, {first, 5}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EndpointServiceTest, BadInputChangesNothing) {
  EXPECT_FALSE(service_.Add(1, "nope", {WebhookEventType::kOrderPlaced}, std::nullopt).ok());
  EXPECT_FALSE(service_.Add(1, "http://x/", {}, std::nullopt).ok());
  EXPECT_FALSE(service_.Add(1, "http://x/", {WebhookEventType::kOrderPlaced}, "short").ok());
  EXPECT_TRUE(db_.state().webhooks.endpoints.empty());
}

}  // namespace
}  // namespace restock::webhooks
