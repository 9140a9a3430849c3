#include "webhooks/endpoints.h"

#include <gtest/gtest.h>

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
  for (const char* bad :
       {"", "example.com", "ftp://x/", "http://", "http:///path", "http://h:/",
        "http://h:99999999/", "http://h:8a/", "http://a b/", "http://a/\n", "https://[::1/"}) {
    EXPECT_EQ(ValidateUrl(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ValidateUrl("http://h/" + std::string(kMaxUrlBytes, 'a')).ok());
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
