// Keyed batch writes (catalog/idempotency.h) through StockService::SubmitKeyedAsync.
#include "catalog/idempotency.h"

#include <gtest/gtest.h>

#include "catalog/stock_update.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::catalog {
namespace {

using model::ProductPatch;

TEST(IdempotencyKeyTest, OneTo255PrintableAsciiCharacters) {
  EXPECT_TRUE(IsValidIdempotencyKey("a"));
  EXPECT_TRUE(IsValidIdempotencyKey("order 42 ~!"));
  EXPECT_TRUE(IsValidIdempotencyKey(std::string(255, 'k')));
  EXPECT_FALSE(IsValidIdempotencyKey(""));
  EXPECT_FALSE(IsValidIdempotencyKey(std::string(256, 'k')));
  EXPECT_FALSE(IsValidIdempotencyKey("tab\there"));
  EXPECT_FALSE(IsValidIdempotencyKey("caf\xc3\xa9"));
  EXPECT_FALSE(IsValidIdempotencyKey("del\x7f"));
}

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model::Product p;
    p.product_id = "coffee";
    p.inventory = 10;
    db_.state().products[{kMerchant, "coffee"}] = p;
  }

  // Submits one adjustment of coffee under `key`; the answer's body counts the renders.
  KeyedAnswer Submit(const std::string& key, std::int64_t delta, std::string hash = "h1",
                     model::MerchantId merchant = kMerchant) {
    ProductPatch p;
    p.product_id = "coffee";
    p.inventory_adjust = delta;
    KeyedAnswer out;
    bool called = false;
    service_.SubmitKeyedAsync(
        merchant, {p}, model::StockSource::kApi, ApplyMode::kUpdate, IdempotencyKey{key, hash},
        [this](const PatchResults& r) {
          ++renders_;
          return Answer{207, "outcome " + std::to_string(static_cast<int>(r.outcomes[0])) +
                                 " render " + std::to_string(renders_)};
        },
        [&](Result<KeyedAnswer> a) {
          called = true;
          ASSERT_TRUE(a.ok()) << a.status().ToString();
          out = std::move(a).value();
        });
    EXPECT_TRUE(called);
    return out;
  }

  std::optional<std::int64_t> Inventory() {
    return db_.state().products.at({kMerchant, "coffee"}).inventory;
  }

  static constexpr model::MerchantId kMerchant = 1;
  int renders_ = 0;
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  StockService service_{db_, clock_};
};

TEST_F(IdempotencyTest, TheSecondRequestGetsTheStoredAnswerAndAppliesNothing) {
  KeyedAnswer first = Submit("k", -3);
  EXPECT_EQ(first.kind, KeyedAnswer::Kind::kApplied);
  EXPECT_EQ(first.answer.body, "outcome 1 render 1");
  KeyedAnswer again = Submit("k", -3);
  EXPECT_EQ(again.kind, KeyedAnswer::Kind::kReplayed);
  EXPECT_EQ(again.answer.status, 207);
  EXPECT_EQ(again.answer.body, first.answer.body);
  EXPECT_EQ(Inventory(), 7);
  EXPECT_EQ(db_.state().stock_events.size(), 1u);
}

TEST_F(IdempotencyTest, ADifferentRequestWithTheKeyIsAMismatchAndAppliesNothing) {
  Submit("k", -3, "h1");
  KeyedAnswer other = Submit("k", -3, "h2");
  EXPECT_EQ(other.kind, KeyedAnswer::Kind::kMismatch);
  EXPECT_TRUE(other.answer.body.empty());
  EXPECT_EQ(Inventory(), 7);
}

TEST_F(IdempotencyTest, KeysArePerMerchant) {
  model::Product p;
  p.product_id = "coffee";
  p.inventory = 1;
  db_.state().products[{2, "coffee"}] = p;
  Submit("k", -1);
  EXPECT_EQ(Submit("k", -1, "h1", 2).kind, KeyedAnswer::Kind::kApplied);
  EXPECT_EQ((db_.state().products.at({2, "coffee"}).inventory), 0);
}

TEST_F(IdempotencyTest, AnExpiredKeyAppliesAgain) {
  Submit("k", -3);
  clock_.AdvanceSeconds(24 * 3600 - 1);
  EXPECT_EQ(Submit("k", -3).kind, KeyedAnswer::Kind::kReplayed);
  clock_.AdvanceSeconds(1);
  EXPECT_EQ(Submit("k", -3).kind, KeyedAnswer::Kind::kApplied);
  EXPECT_EQ(Inventory(), 4);
}

TEST_F(IdempotencyTest, AFailedRequestStoresNoAnswer) {
  db_.state().products.at({kMerchant, "coffee"}).inventory = 1;
  // A conflict is an answer (stored); a store failure is not.
  EXPECT_EQ(Submit("conflict", -3).answer.body, "outcome 5 render 1");
  EXPECT_EQ(Submit("conflict", -3).kind, KeyedAnswer::Kind::kReplayed);
  db_.Shutdown();
  bool failed = false;
  service_.SubmitKeyedAsync(
      kMerchant, {}, model::StockSource::kApi, ApplyMode::kUpdate, IdempotencyKey{"down", "h"},
      [](const PatchResults&) {
        return Answer{207, "x"};
      },
      [&](Result<KeyedAnswer> a) { failed = !a.ok(); });
  EXPECT_TRUE(failed);
  EXPECT_EQ(db_.state().idempotency_keys.count({kMerchant, "down"}), 0u);
}

TEST_F(IdempotencyTest, ExpiredKeysArePruned) {
  // The first keyed request of a service prunes (and then every 256th).
  auto& keys = db_.state().idempotency_keys;
  for (int i = 0; i < 3; ++i) {
    keys[{kMerchant, "old" + std::to_string(i)}] = {{"h", 207, "b"}, clock_.NowMicros()};
  }
  keys[{kMerchant, "live"}] = {{"h", 207, "b"}, clock_.NowMicros() + 1};
  Submit("k", -1);
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.count({kMerchant, "live"}), 1u);
}

}  // namespace
}  // namespace restock::catalog
