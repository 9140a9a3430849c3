// The hand-off repository (store/handoff_repos.h) on every backend: targets, customers'
// contact details, the outbox's claims and leases, and the outcome columns of orders.
#include <gtest/gtest.h>

#include "store/placement_repo_fixture.h"

namespace restock::store::testing {
namespace {

class StoreHandoffRepoTest : public StorePlacementRepoTest {
 protected:
  std::vector<model::HandoffRequest> Claim(UnixMicros now, const std::string& token,
                                           std::size_t limit = 10) {
    return Write([&](Transaction& tx) {
      return tx.handoff().Claim(merchant_, now, token, now + 1000, limit);
    });
  }
  void Enqueue(std::int64_t order_id, int sequence) {
    model::HandoffRequest r{0, merchant_, order_id, sequence, 0, CivilDate{2030, 3, 1}, 5};
    ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().Enqueue(std::span(&r, 1)); }),
              Status::Ok());
  }
};

TEST_P(StoreHandoffRepoTest, TargetRoundTripsAndIsRemoved) {
  model::PlacementTarget t{"https://u:p@x.example/o", model::PlacementFormat::kJson, 7, 2500, 0};
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SetTarget(merchant_, t); }),
            Status::Ok());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.handoff().FindTarget(merchant_); }), t);
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.handoff().FindTarget(other_); }), std::nullopt);
  auto all = Read([&](Transaction& tx) { return tx.handoff().ListTargets(); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, merchant_);
  ASSERT_EQ(WriteStatus([&](Transaction& tx) {
    return tx.handoff().SetTarget(merchant_, std::nullopt);
  }),
            Status::Ok());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.handoff().FindTarget(merchant_); }),
            std::nullopt);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SetTarget(99999, t); }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreHandoffRepoTest, ContactRoundTripsPerMerchant) {
  CreateSubscription(MakeSubscription(merchant_, "c1", "p1"));
  CreateSubscription(MakeSubscription(other_, "c1", "p1"));
  model::CustomerContact c;
  c.merchant_id = merchant_;
  c.customer_id = "c1";
  c.name = "Ann";
  c.email = "ann@example.com";
  c.locale = "fr_FR";
  c.shipping.city = "Paris";
  c.shipping.phone = "+33 1";
  c.billing.address1 = "1 rue X";
  c.payment_token = "tok";
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SaveContact(c); }),
            Status::Ok());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.handoff().FindContact(merchant_, "c1"); }), c);
  auto other = Read([&](Transaction& tx) { return tx.handoff().FindContact(other_, "c1"); });
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->name, "");
  EXPECT_TRUE(other->shipping.empty());
  EXPECT_EQ(Read([&](Transaction& tx) { return tx.handoff().FindContact(merchant_, "nobody"); }),
            std::nullopt);
  c.customer_id = "nobody";
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SaveContact(c); }).code(),
            StatusCode::kNotFound);
}

TEST_P(StoreHandoffRepoTest, ClaimsLeaseAndEndOnce) {
  Enqueue(1, 1);
  Enqueue(2, 1);
  Enqueue(2, 2);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
    model::HandoffRequest dup{0, merchant_, 1, 1, 0, CivilDate{2030, 3, 1}, 5};
    return tx.handoff().Enqueue(std::span(&dup, 1));
  }).code(),
            StatusCode::kAlreadyExists);
  auto first = Claim(100, "a", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].order_id, 1);
  EXPECT_EQ(first[0].give_up_on, (CivilDate{2030, 3, 1}));
  // Leased: the third only, until the lease ends at 1100.
  auto second = Claim(200, "b");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].sequence, 2);
  EXPECT_TRUE(Claim(1099, "c").empty());
  // A claim that ran out and was taken again cannot be ended by its first holder.
  auto retaken = Claim(1100, "d", 1);
  ASSERT_EQ(retaken.size(), 1u);
  EXPECT_FALSE(Write([&](Transaction& tx) { return tx.handoff().Complete(retaken[0].id, "a", 1); }));
  EXPECT_TRUE(Write([&](Transaction& tx) { return tx.handoff().Complete(retaken[0].id, "d", 1); }));
  // Defer waits for the next run; MakeDue ends the wait for that merchant only.
  EXPECT_TRUE(Write([&](Transaction& tx) { return tx.handoff().Defer(second[0].id, "b", 2); }));
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().CountDue(merchant_, 5000); }), 1);
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().CountPending(); }), 2);
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().MakeDue(other_, 5000); }), 0u);
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().MakeDue(merchant_, 5000); }), 1u);
  auto again = Claim(5000, "e");
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1].retries, 2);
  EXPECT_TRUE(Write([&](Transaction& tx) { return tx.handoff().Release(again[1].id, "e"); }));
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().LastSequence(merchant_, 2); }), 2);
  EXPECT_EQ(Write([&](Transaction& tx) { return tx.handoff().LastSequence(merchant_, 9); }), 0);
}

TEST_P(StoreHandoffRepoTest, OutcomeColumnsAreReadWithTheOrderAndKeptByPlacementWrites) {
  CreateSubscription(MakeSubscription(merchant_, "c1", "p1"));
  Order o = InsertOrder(MakeOrder(merchant_, "c1", Day(0), OrderStatus::kPending, {{1, "p1", 2}}));
  o.error_code = "140";
  o.error_message = "declined";
  o.merchant_order_id = "M-1";
  o.placement_attempts = 2;
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SaveOutcome(o); }),
            Status::Ok());
  EXPECT_EQ(FindOrder(merchant_, o.id), o);
  // OrderRepo's own writes leave the hand-off's columns as they were.
  Order changed = o;
  changed.status = OrderStatus::kPlaced;
  changed.error_code.clear();
  ASSERT_EQ(WriteStatus([&](Transaction& tx) { return tx.orders().Update(changed, false); }),
            Status::Ok());
  auto read = FindOrder(merchant_, o.id);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->status, OrderStatus::kPlaced);
  EXPECT_EQ(read->error_code, "140");
  o.merchant_id = other_;
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.handoff().SaveOutcome(o); }).code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreHandoffRepoTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
