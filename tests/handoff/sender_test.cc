// The sender (handoff/sender.h) on the in-memory store, with a scripted platform in place of
// libcurl: requests claimed in batches, answers recorded through the group commit, the
// out-of-stock re-send within the run, and no request sent on a lease that could run out.
#include "handoff/sender.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::handoff {
namespace {

using model::OrderStatus;

// What the platform saw of one request.
struct Seen {
  std::string key;
  UnixMicros at = 0;
  UnixMicros lease_until = 0;  // the request's lease when it was sent
};

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = db_.state();
    merchant_.id = 1;
    merchant_.public_id = "m";
    merchant_.hash_key = "k";
    s.merchants["m"] = merchant_;
    for (const char* id : {"A", "B"}) {
      model::Product p;
      p.product_id = id;
      p.live = true;
      s.products[{1, id}] = p;
    }
    s.next_id = 1000;
  }

  // A pending order of `products` with its queued request.
  void AddOrder(std::int64_t id, const std::vector<std::string>& products) {
    auto& s = db_.state();
    model::Order o;
    o.id = id;
    o.merchant_id = 1;
    o.customer_id = "c" + std::to_string(id);
    o.place_date = day_;
    o.status = OrderStatus::kPending;
    for (const std::string& p : products) {
      model::Subscription sub;
      sub.id = s.next_id++;
      sub.merchant_id = 1;
      sub.customer_id = o.customer_id;
      sub.product_id = p;
      sub.start = day_;
      s.subscriptions[sub.id] = sub;
      o.items.push_back({sub.id, p, 1});
    }
    s.orders[id] = o;
    auto& h = s.handoff;
    model::HandoffRequest r{h.next_id, 1, id, 1, 0, CivilDate{2030, 3, 1}, 0};
    h.outbox[h.next_id++] = {r};
  }

  // `answer(key)` is the body of the answer to the request with that Idempotency-Key; every
  // request moves the clock by `post_takes`.
  Sender MakeSender(std::function<std::string(const std::string&)> answer) {
    return Sender(db_, clock_, flow_, nullptr, [this, answer](const std::atomic<bool>*) {
      return std::make_unique<ScriptedChannel>(*this, answer);
    });
  }

  class ScriptedChannel final : public Channel {
   public:
    ScriptedChannel(SenderTest& t, std::function<std::string(const std::string&)> answer)
        : t_(t), answer_(std::move(answer)) {}
    webhooks::PostResult Post(const std::string&, const std::string&,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              UnixMicros) override {
      Seen seen;
      for (const auto& [name, value] : headers) {
        if (name == "Idempotency-Key") seen.key = value;
      }
      seen.at = t_.clock_.NowMicros();
      testing::FakeState state = t_.db_.Snapshot();
      for (const auto& [id, row] : state.handoff.outbox) {
        if (model::IdempotencyKey(row.request) == seen.key) seen.lease_until = row.next_attempt_at;
      }
      {
        std::lock_guard lock(t_.mu_);
        t_.seen_.push_back(seen);
      }
      t_.clock_.Set(seen.at + t_.post_takes_);
      return {200, "", false, answer_(seen.key)};
    }

   private:
    SenderTest& t_;
    std::function<std::string(const std::string&)> answer_;
  };

  static std::string Success(const std::string& key) {
    return "<order><code>SUCCESS</code><orderId>M-" + key + "</orderId></order>";
  }

  testing::FakeDatabase db_;
  testing::FakeClock clock_;
  model::Merchant merchant_;
  model::PlacementTarget target_{"http://x", model::PlacementFormat::kXml, 2, 10'000, 3};
  placement::FlowOptions flow_;
  CivilDate day_{2030, 1, 15};
  UnixMicros post_takes_ = 0;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

TEST_F(SenderTest, ClaimsInBatchesAndRecordsAnswersThroughTheGroupCommit) {
  constexpr int kOrders = 100;
  for (int i = 1; i <= kOrders; ++i) AddOrder(i, {"A"});
  Sender sender = MakeSender(Success);
  auto summary = sender.SendDue(merchant_, target_, day_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->sent, static_cast<std::size_t>(kOrders));
  EXPECT_EQ(summary->placed, static_cast<std::size_t>(kOrders));
  EXPECT_EQ(seen_.size(), static_cast<std::size_t>(kOrders));
  for (const auto& [id, order] : db_.state().orders) {
    EXPECT_EQ(order.status, OrderStatus::kPlaced) << id;
    EXPECT_EQ(order.merchant_order_id, "M-" + std::to_string(id));
  }
  // Every write went to the group commit: one unit of work per answer, plus the claims, a
  // batch at a time.
  EXPECT_EQ(db_.transactions.load(), db_.submits.load());
  const int claims = db_.submits.load() - kOrders;
  EXPECT_GE(claims, 1);
  EXPECT_LE(claims, kOrders / static_cast<int>(ClaimBatchSize(target_.concurrency)) + 3)
      << claims << " claims";
}

TEST_F(SenderTest, TheRestOfAnOutOfStockAnswerIsSentInTheSameRun) {
  AddOrder(5, {"A", "B"});
  Sender sender = MakeSender([](const std::string& key) {
    if (key == "5") {
      return std::string("<order><code>ERROR</code><errorCode>999</errorCode>"
                         "<outOfStock><product_id>A</product_id></outOfStock></order>");
    }
    return Success(key);
  });
  auto summary = sender.SendDue(merchant_, target_, day_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_EQ(seen_[0].key, "5");
  EXPECT_EQ(seen_[1].key, "5-2");
  EXPECT_EQ(summary->out_of_stock, 1u);
  EXPECT_EQ(summary->placed, 1u);
  const model::Order& order = db_.state().orders.at(5);
  EXPECT_EQ(order.status, OrderStatus::kPlaced);
  ASSERT_EQ(order.items.size(), 1u);
  EXPECT_EQ(order.items[0].product_id, "B");
}

TEST_F(SenderTest, ARequestIsSentOnlyWhileItsLeaseOutlastsTheTimeout) {
  // One worker; each answer takes 15 s of a 10 s timeout's 40 s lease: the third request of
  // the batch would start 30 s into the lease, so it goes back and is claimed again.
  target_.concurrency = 1;
  post_takes_ = 15'000'000;
  for (int i = 1; i <= 3; ++i) AddOrder(i, {"A"});
  Sender sender = MakeSender(Success);
  auto summary = sender.SendDue(merchant_, target_, day_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->placed, 3u);
  ASSERT_EQ(seen_.size(), 3u);
  for (const Seen& s : seen_) {
    EXPECT_GE(s.lease_until, s.at + target_.timeout_ms * 1000 + kSendMargin) << s.key;
  }
  EXPECT_EQ(seen_[2].key, "3");
}

}  // namespace
}  // namespace restock::handoff
