// What an answer does to its order (handoff/outcomes.h), on the in-memory store: the answer
// table of docs/handoff.md row by row, the retry limits and the lease.
#include "handoff/outcomes.h"

#include <gtest/gtest.h>

#include "placement/order_processor.h"
#include "support/fake_database.h"

namespace restock::handoff {
namespace {

using model::OrderStatus;

class OutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = db_.state();
    merchant_.id = 1;
    merchant_.public_id = "m";
    s.merchants["m"] = merchant_;
    for (const char* id : {"A", "B"}) {
      model::Product p;
      p.product_id = id;
      p.live = true;
      s.products[{1, id}] = p;
    }
    for (std::int64_t sub : {10, 11}) {
      model::Subscription x;
      x.id = sub;
      x.merchant_id = 1;
      x.customer_id = "c";
      x.product_id = sub == 10 ? "A" : "B";
      x.start = day_;
      s.subscriptions[sub] = x;
    }
    model::Order o;
    o.id = 5;
    o.merchant_id = 1;
    o.customer_id = "c";
    o.place_date = day_;
    o.status = OrderStatus::kPending;
    o.items = {{10, "A", 1}, {11, "B", 2}};
    s.orders[5] = o;
    s.next_id = 100;
    Enqueue(1);
  }

  void Enqueue(int sequence) {
    ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) {
      model::HandoffRequest r{0, 1, 5, sequence, 0, CivilDate{2030, 3, 1}, 0};
      return tx.handoff().Enqueue(std::span(&r, 1));
    }).ok());
  }

  // Claims the due request and records `answer` for it, as the sender does; kLostClaim when
  // nothing is due.
  Disposition Reply(const handoff::Answer& answer, CivilDate day = CivilDate{2030, 1, 15}) {
    Disposition d = Disposition::kLostClaim;
    Status s = db_.RunInTransaction([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(auto claimed, tx.handoff().Claim(1, now_, "t", now_ + 100, 1));
      if (claimed.empty()) return Status::Ok();
      OutcomeContext c{merchant_, target_, day, now_, flow_};
      RESTOCK_ASSIGN_OR_RETURN(Recorded r, RecordAnswer(tx, c, claimed[0], "t", answer));
      d = r.disposition;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return d;
  }

  const model::Order& Order(std::int64_t id = 5) { return db_.state().orders.at(id); }
  static handoff::Answer Error(const char* code, std::vector<std::string> oos = {}) {
    handoff::Answer a;
    a.kind = AnswerKind::kError;
    a.error_code = code;
    a.error_message = "msg " + std::string(code);
    a.out_of_stock = std::move(oos);
    return a;
  }
  std::size_t Events(model::OrderEventType type) {
    std::size_t n = 0;
    for (const auto& e : db_.state().order_events) n += e.type == type ? 1 : 0;
    return n;
  }
  void NextRun() {
    ASSERT_TRUE(db_.RunInTransaction([&](store::Transaction& tx) {
      return tx.handoff().MakeDue(1, now_).status();
    }).ok());
  }

  testing::FakeDatabase db_;
  model::Merchant merchant_;
  model::PlacementTarget target_{"http://x", model::PlacementFormat::kXml, 4, 1000, 2};
  placement::FlowOptions flow_;
  CivilDate day_{2030, 1, 15};
  UnixMicros now_ = 1'000'000;
};

TEST_F(OutcomesTest, SuccessPlacesWithTheMerchantOrderId) {
  handoff::Answer a;
  a.kind = AnswerKind::kSuccess;
  a.order_id = "M-1";
  EXPECT_EQ(Reply(a), Disposition::kPlaced);
  EXPECT_EQ(Order().status, OrderStatus::kPlaced);
  EXPECT_EQ(Order().merchant_order_id, "M-1");
  EXPECT_EQ(Order().placement_attempts, 1);
  EXPECT_EQ(Order().placed_on, day_);
  EXPECT_EQ(Events(model::OrderEventType::kPlaced), 1u);
}

TEST_F(OutcomesTest, ProcessingStaysPendingAndIsNotSentAgain) {
  handoff::Answer a;
  a.kind = AnswerKind::kProcessing;
  EXPECT_EQ(Reply(a), Disposition::kPending);
  EXPECT_EQ(Order().status, OrderStatus::kPending);
  NextRun();
  EXPECT_EQ(Reply(a), Disposition::kLostClaim);  // nothing due: the request is closed
}

TEST_F(OutcomesTest, RejectingCodesReject) {
  EXPECT_EQ(Reply(Error("160")), Disposition::kRejected);
  EXPECT_EQ(Order().status, OrderStatus::kRejected);
  EXPECT_EQ(Order().error_code, "160");
  EXPECT_EQ(Order().error_message, "msg 160");
  EXPECT_EQ(Events(model::OrderEventType::kRejected), 1u);
}

TEST_F(OutcomesTest, RetryableCodesWaitForTheNextRunUpToTheLimit) {
  for (int run = 1; run <= 2; ++run) {
    EXPECT_EQ(Reply(Error("999")), Disposition::kPending) << run;
    EXPECT_EQ(Order().status, OrderStatus::kPending);
    EXPECT_EQ(Order().error_code, "999");
    // One attempt per run: not due again before the next run.
    EXPECT_EQ(Reply(Error("999")), Disposition::kLostClaim);
    NextRun();
  }
  // max_retries = 2: the third 999 rejects.
  EXPECT_EQ(Reply(Error("140")), Disposition::kRejected);
  EXPECT_EQ(Order().status, OrderStatus::kRejected);
  EXPECT_EQ(Order().error_code, "140");
  EXPECT_EQ(Order().placement_attempts, 3);
}

TEST_F(OutcomesTest, NoAnswerRetriesUntilGiveUpDay) {
  handoff::Answer none;
  none.kind = AnswerKind::kNoAnswer;
  none.reason = "timeout";
  for (int run = 0; run < 5; ++run) {
    EXPECT_EQ(Reply(none, CivilDate{2030, 3, 1}), Disposition::kPending);
    NextRun();
  }
  EXPECT_EQ(Order().status, OrderStatus::kPending);
  EXPECT_EQ(Order().error_code, "");
  EXPECT_EQ(Reply(none, CivilDate{2030, 3, 2}), Disposition::kRejected);
  EXPECT_EQ(Order().error_code, "no_connection");
}

TEST_F(OutcomesTest, UnreadableIsResponseProcessing) {
  handoff::Answer bad;
  bad.kind = AnswerKind::kUnreadable;
  bad.reason = "HTTP 200 without a readable answer";
  EXPECT_EQ(Reply(bad), Disposition::kRejected);
  EXPECT_EQ(Order().error_code, "response_processing");
}

TEST_F(OutcomesTest, OutOfStockSplitsAndResendsTheRest) {
  EXPECT_EQ(Reply(Error("999", {"B"})), Disposition::kResent);
  EXPECT_EQ(Order().status, OrderStatus::kPending);
  ASSERT_EQ(Order().items.size(), 1u);
  EXPECT_EQ(Order().items[0].product_id, "A");
  const model::Order& waiting = Order(100);
  EXPECT_EQ(waiting.status, OrderStatus::kOutOfStock);
  EXPECT_EQ(waiting.oos_since, day_);
  ASSERT_EQ(waiting.items.size(), 1u);
  EXPECT_EQ(waiting.items[0].product_id, "B");
  EXPECT_FALSE(db_.state().products.at({1, "B"}).live);
  EXPECT_TRUE(db_.state().products.at({1, "A"}).live);
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  EXPECT_EQ(db_.state().stock_events[0].source, model::StockSource::kPlacement);
  // The re-send is due in the same run, as <order>-2.
  handoff::Answer ok;
  ok.kind = AnswerKind::kSuccess;
  ok.order_id = "M-2";
  EXPECT_EQ(Reply(ok), Disposition::kPlaced);
  EXPECT_EQ(Order().status, OrderStatus::kPlaced);
  bool second = false;
  for (const auto& [id, row] : db_.state().handoff.outbox) second |= row.request.sequence == 2;
  EXPECT_TRUE(second);
}

TEST_F(OutcomesTest, OutOfStockOfEveryItemMovesTheWholeOrder) {
  EXPECT_EQ(Reply(Error("999", {"A", "B"})), Disposition::kOutOfStock);
  EXPECT_EQ(Order().status, OrderStatus::kOutOfStock);
  EXPECT_EQ(Order().items.size(), 2u);
}

TEST_F(OutcomesTest, AWhollyOutOfStockOrderIsDecidedAgainUnderItsNextSequence) {
  EXPECT_EQ(Reply(Error("999", {"A", "B"})), Disposition::kOutOfStock);
  // The products come back; the next placement run decides the same order again.
  for (const char* id : {"A", "B"}) db_.state().products[{1, id}].live = true;
  db_.state().handoff.targets[1] = target_;
  Status s = db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    return placement::ProcessOrders(tx, merchant_, day_, {Order()}, flow_, now_).status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Order().status, OrderStatus::kPending);
  std::vector<std::pair<int, bool>> requests;  // sequence, done
  for (const auto& [id, row] : db_.state().handoff.outbox) {
    if (row.request.order_id == 5) requests.emplace_back(row.request.sequence, row.done);
  }
  EXPECT_EQ(requests, (std::vector<std::pair<int, bool>>{{1, true}, {2, false}}));
}

TEST_F(OutcomesTest, AClaimThatRanOutWritesNothing) {
  Status s = db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto claimed, tx.handoff().Claim(1, now_, "old", now_ + 1, 1));
    // The lease ran out and another claimant took the request.
    RESTOCK_ASSIGN_OR_RETURN(auto again, tx.handoff().Claim(1, now_ + 2, "new", now_ + 100, 1));
    EXPECT_EQ(again.size(), 1u);
    OutcomeContext c{merchant_, target_, day_, now_, flow_};
    RESTOCK_ASSIGN_OR_RETURN(Recorded r, RecordAnswer(tx, c, claimed[0], "old", Error("160")));
    EXPECT_EQ(r.disposition, Disposition::kLostClaim);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Order().status, OrderStatus::kPending);
}

}  // namespace
}  // namespace restock::handoff
