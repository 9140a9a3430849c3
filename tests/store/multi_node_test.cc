// Several processes ("nodes") on one database: each test opens the backend twice at once,
// as two restock nodes would, and checks that concurrent read-modify-writes lose nothing
// and that order decisions are taken once. Run against every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>
#include <vector>

#include "store/database_fixture.h"
#include "store/submit_util.h"

namespace restock::store::testing {
namespace {

class StoreMultiNodeTest : public DatabaseFixture {
 protected:
  void SetUp() override {
    DatabaseFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    Result<std::unique_ptr<Database>> second = instance_->Open(clock_);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    node2_ = std::move(second).value();
    merchant_ = CreateMerchant("m");
  }
  void TearDown() override {
    node2_.reset();
    DatabaseFixture::TearDown();
  }

  // A work adding one unit to the product's inventory, read-modify-write as StockService does.
  Work Increment(const std::string& product_id) {
    return [this, product_id](Transaction& tx) -> Status {
      std::vector<std::string_view> ids = {product_id};
      RESTOCK_ASSIGN_OR_RETURN(auto found, tx.products().FindMany(merchant_, ids));
      if (!found[0]) return NotFoundError("no product");
      model::Product p = *found[0];
      p.inventory = p.inventory.value_or(0) + 1;
      return tx.products().Update(merchant_, std::span(&p, 1));
    };
  }

  std::unique_ptr<Database> node2_;
  model::MerchantId merchant_ = 0;
};

TEST_P(StoreMultiNodeTest, ConcurrentReadModifyWritesOnTwoNodesLoseNothing) {
  model::Product p = MakeProduct("hot");
  p.inventory = 0;
  ASSERT_EQ(InsertProducts(merchant_, {p}), Status::Ok());
  constexpr int kPerNode = 60;
  std::latch start(2);
  auto hammer = [&](Database& db) {
    start.arrive_and_wait();
    std::vector<std::future<Status>> done;
    for (int i = 0; i < kPerNode; ++i) {
      // Half grouped, half on their own, like HTTP updates and CLI commands.
      if (i % 2 == 0) {
        done.push_back(SubmitForStatus(db, Increment("hot")));
      } else {
        std::promise<Status> ready;
        done.push_back(ready.get_future());
        ready.set_value(db.RunInTransaction(Increment("hot")));
      }
    }
    int failures = 0;
    for (auto& f : done) failures += f.get().ok() ? 0 : 1;
    return failures;
  };
  auto first = std::async(std::launch::async, [&] { return hammer(*db_); });
  auto second = std::async(std::launch::async, [&] { return hammer(*node2_); });
  EXPECT_EQ(first.get(), 0);
  EXPECT_EQ(second.get(), 0);
  std::optional<model::Product> after = ReadProduct(merchant_, "hot");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->inventory, 2 * kPerNode);
}

TEST_P(StoreMultiNodeTest, OrderDecisionsOnTwoNodesTakeEachOrderOnce) {
  constexpr int kOrders = 40;
  CivilDate day{2026, 3, 1};
  ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) -> Status {
    for (int i = 0; i < kOrders; ++i) {
      model::Order o;
      o.merchant_id = merchant_;
      o.customer_id = "c" + std::to_string(i);
      o.place_date = day;
      o.items = {model::OrderItem{i + 1, "p", 1}};
      RESTOCK_RETURN_IF_ERROR(tx.orders().Insert(o).status());
    }
    return Status::Ok();
  }),
            Status::Ok());
  // Each node takes every due order it can see, pauses (so the runs overlap), and places
  // them; placing one already placed would count twice.
  auto place_all = [&](Database& db, std::latch& start) {
    start.arrive_and_wait();
    int placed = 0;
    Status status = db.RunInTransaction([&](Transaction& tx) -> Status {
      placed = 0;
      RESTOCK_ASSIGN_OR_RETURN(auto due, tx.orders().ListForPlacement(merchant_, day, 0, 1000));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      for (model::Order& o : due.orders) {
        if (o.status != model::OrderStatus::kUnsent) continue;
        o.status = model::OrderStatus::kPlaced;
        o.placed_on = day;
        RESTOCK_RETURN_IF_ERROR(tx.orders().Update(o, false));
        ++placed;
      }
      return Status::Ok();
    });
    EXPECT_EQ(status, Status::Ok());
    return placed;
  };
  std::latch start(2);
  auto a = std::async(std::launch::async, [&] { return place_all(*db_, start); });
  auto b = std::async(std::launch::async, [&] { return place_all(*node2_, start); });
  EXPECT_EQ(a.get() + b.get(), kOrders);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMultiNodeTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
