// The heads of product event chains a unit of work reads and moves (store/sqlite/
// chain_heads.h): an append links to the head the work knows and the product's update
// writes the moved head; failures and replays keep every chain whole.
#include <gtest/gtest.h>

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite_fixture.h"
#include "store/submit_util.h"

namespace restock::store::sqlite {
namespace {

using store::testing::HeldWriter;
using store::testing::HoldWriter;
using store::testing::SubmitForStatus;
using testing::CountRows;
using testing::HistoryIds;
using testing::SqliteDatabaseTest;

class ChainHeadTest : public SqliteDatabaseTest {
 protected:
  void SetUp() override {
    db_ = OpenMigrated();
    ASSERT_NE(db_, nullptr);
    merchant_ = CreateMerchantWithProducts(*db_, {"p1", "p2"});
  }

  model::StockEvent Event(const std::string& product_id) const {
    model::StockEvent e;
    e.merchant_id = merchant_;
    e.product_id = product_id;
    e.current.live = true;
    return e;
  }
  // The head stored in the product's row; 0 for none.
  std::int64_t StoredHead(const std::string& product_id) const {
    const std::string sql =
        "SELECT COALESCE(last_event_id, 0) FROM products WHERE product_id = '" + product_id + "'";
    return CountRows(path_, sql.c_str());
  }
  std::vector<std::int64_t> History(const std::string& product_id) const {
    StockEventPage all;
    all.limit = 100;
    return HistoryIds(*db_, merchant_, product_id, all);
  }
  // Reads `product_id` in `tx` and renames it.
  Result<model::Product> Renamed(store::Transaction& tx, const std::string& product_id,
                                 const std::string& name) const {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<model::Product> p,
                             tx.products().Find(merchant_, product_id));
    if (!p) return NotFoundError("no such product");
    p->name = name;
    return *p;
  }

  std::unique_ptr<SqliteDatabase> db_;
  model::MerchantId merchant_ = 0;
};

TEST_F(ChainHeadTest, AnAppendBeforeTheProductsUpdateMovesTheHeadWithTheRow) {
  for (int round = 1; round <= 2; ++round) {
    auto work = [&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", "round"));
      model::StockEvent e = Event("p1");
      RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append({&e, 1}));
      return tx.products().Update(merchant_, {&p1, 1});
    };
    // Once through the transaction of RunInTransaction, once through the group writer's.
    if (round == 1) {
      ASSERT_EQ(db_->RunInTransaction(work), Status::Ok());
    } else {
      ASSERT_EQ(SubmitForStatus(*db_, work).get(), Status::Ok());
    }
    EXPECT_EQ(StoredHead("p1"), round);
  }
  EXPECT_EQ(History("p1"), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(History("p2"), std::vector<std::int64_t>{});
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM products WHERE name = 'round'"), 1);
}

TEST_F(ChainHeadTest, AHeadNoUpdateWroteIsWrittenAtTheEndOfTheWork) {
  // Read, appended, never updated.
  ASSERT_EQ(SubmitForStatus(*db_,
                            [&](store::Transaction& tx) -> Status {
                              RESTOCK_RETURN_IF_ERROR(tx.products().Find(merchant_, "p1").status());
                              model::StockEvent e = Event("p1");
                              return tx.stock_events().Append({&e, 1});
                            })
                .get(),
            Status::Ok());
  EXPECT_EQ(StoredHead("p1"), 1);
  // Updated first, appended after (placement's order before the heads).
  ASSERT_EQ(db_->RunInTransaction([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", "x"));
    RESTOCK_RETURN_IF_ERROR(tx.products().Update(merchant_, {&p1, 1}));
    model::StockEvent e = Event("p1");
    return tx.stock_events().Append({&e, 1});
  }),
            Status::Ok());
  EXPECT_EQ(StoredHead("p1"), 2);
  // Appended without reading the product (the head is looked up and moved at once).
  ASSERT_EQ(db_->RunInTransaction([&](store::Transaction& tx) -> Status {
    model::StockEvent e = Event("p1");
    return tx.stock_events().Append({&e, 1});
  }),
            Status::Ok());
  EXPECT_EQ(StoredHead("p1"), 3);
  EXPECT_EQ(History("p1"), (std::vector<std::int64_t>{3, 2, 1}));
}

TEST_F(ChainHeadTest, EventsOfOneProductInOneWorkChainInAppendOrder) {
  std::vector<std::int64_t> seen_inside;
  ASSERT_EQ(SubmitForStatus(*db_,
                            [&](store::Transaction& tx) -> Status {
                              seen_inside.clear();
                              RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", "y"));
                              model::StockEvent two[2] = {Event("p1"), Event("p1")};
                              RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(two));
                              model::StockEvent third = Event("p1");
                              RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append({&third, 1}));
                              // The work sees its own moved head before the row has it.
                              RESTOCK_ASSIGN_OR_RETURN(
                                  auto events,
                                  tx.stock_events().ListForProduct(merchant_, "p1", 10));
                              for (const auto& e : events) seen_inside.push_back(e.id);
                              // Reading the row again does not take the work back to its head.
                              RESTOCK_RETURN_IF_ERROR(tx.products().Find(merchant_, "p1").status());
                              return tx.products().Update(merchant_, {&p1, 1});
                            })
                .get(),
            Status::Ok());
  EXPECT_EQ(seen_inside, (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_EQ(StoredHead("p1"), 3);
  EXPECT_EQ(History("p1"), (std::vector<std::int64_t>{3, 2, 1}));
}

TEST_F(ChainHeadTest, AFailedAppendLeavesTheHeadTheWorkKnewAndWritesNoneOfIt) {
  Status appended = Status::Ok();
  auto goes_on = [&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", "z"));
    // p1's event is linked and its head moved before "nope" fails the unit.
    model::StockEvent events[2] = {Event("p1"), Event("nope")};
    appended = tx.stock_events().Append(events);
    return tx.products().Update(merchant_, {&p1, 1});
  };
  ASSERT_EQ(db_->RunInTransaction(goes_on), Status::Ok());
  EXPECT_EQ(appended.code(), StatusCode::kInternal);
  // Through the group writer, which replays the work with savepoints.
  ASSERT_EQ(SubmitForStatus(*db_, goes_on).get(), Status::Ok());
  EXPECT_EQ(appended.code(), StatusCode::kInternal);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM stock_events"), 0);
  EXPECT_EQ(StoredHead("p1"), 0);
  EXPECT_EQ(History("p1"), std::vector<std::int64_t>{});
}

TEST_F(ChainHeadTest, AFailedUpdateStillLeavesTheMovedHeadWritten) {
  Status updated = Status::Ok();
  auto goes_on = [&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", "lost"));
    model::StockEvent e = Event("p1");
    RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append({&e, 1}));
    model::Product missing;
    missing.product_id = "nope";
    // p1's row (with its head) is written, then undone when "nope" fails the unit.
    model::Product both[2] = {p1, missing};
    updated = tx.products().Update(merchant_, both);
    return Status::Ok();
  };
  ASSERT_EQ(db_->RunInTransaction(goes_on), Status::Ok());
  EXPECT_EQ(updated.code(), StatusCode::kInternal);
  EXPECT_EQ(StoredHead("p1"), 1);
  ASSERT_EQ(SubmitForStatus(*db_, goes_on).get(), Status::Ok());
  EXPECT_EQ(updated.code(), StatusCode::kInternal);
  EXPECT_EQ(StoredHead("p1"), 2);
  EXPECT_EQ(History("p1"), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM products WHERE name = 'lost'"), 0);
}

TEST_F(ChainHeadTest, AFailedWorkInAGroupLeavesNoHeadForTheWorksAfterIt) {
  auto appends = [&](bool fail) {
    return [this, fail](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(model::Product p1, Renamed(tx, "p1", fail ? "failed" : "kept"));
      model::StockEvent e = Event("p1");
      RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append({&e, 1}));
      RESTOCK_RETURN_IF_ERROR(tx.products().Update(merchant_, {&p1, 1}));
      return fail ? InvalidArgumentError("bad") : Status::Ok();
    };
  };
  HeldWriter held = HoldWriter(*db_);
  std::future<Status> first = SubmitForStatus(*db_, appends(false));
  std::future<Status> failed = SubmitForStatus(*db_, appends(true));
  std::future<Status> last = SubmitForStatus(*db_, appends(false));
  held.release.set_value();
  ASSERT_EQ(held.done.get(), Status::Ok());
  EXPECT_EQ(first.get(), Status::Ok());
  EXPECT_EQ(failed.get(), InvalidArgumentError("bad"));
  EXPECT_EQ(last.get(), Status::Ok());
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM stock_events"), 2);
  const std::int64_t head = StoredHead("p1");
  EXPECT_EQ(History("p1"), (std::vector<std::int64_t>{head, head - 1}));
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM products WHERE name = 'kept'"), 1);
}

}  // namespace
}  // namespace restock::store::sqlite
