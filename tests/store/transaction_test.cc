// Units of work, group commit and durability, run against every backend.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database_fixture.h"
#include "store/submit_util.h"

namespace restock::store::testing {
namespace {

using model::Product;

class StoreTransactionTest : public DatabaseFixture {
 protected:
  void SetUp() override {
    DatabaseFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    merchant_ = CreateMerchant("m");
  }

  // A work inserting one product.
  Work InsertWork(const std::string& product_id) {
    return [this, product_id](Transaction& tx) {
      Product p = MakeProduct(product_id);
      return tx.products().Insert(merchant_, std::span(&p, 1));
    };
  }

  std::future<Status> SubmitForStatus(Work work) {
    return testing::SubmitForStatus(*db_, std::move(work));
  }

  model::MerchantId merchant_ = 0;
};

TEST_P(StoreTransactionTest, RunInTransactionRollsBackOnError) {
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("p1")(tx));
    return FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status, FailedPreconditionError("changed my mind"));
  EXPECT_EQ(ReadProduct(merchant_, "p1"), std::nullopt);
}

TEST_P(StoreTransactionTest, RunInTransactionTurnsExceptionIntoInternal) {
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("p1")(tx));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(ReadProduct(merchant_, "p1"), std::nullopt);
}

TEST_P(StoreTransactionTest, ReadOnlyCannotWrite) {
  Status status = db_->RunReadOnly(InsertWork("p1"));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(ReadProduct(merchant_, "p1"), std::nullopt);
  // The read connection is still usable afterwards.
  ASSERT_EQ(InsertProducts(merchant_, {MakeProduct("p2")}), Status::Ok());
  EXPECT_EQ(ReadProduct(merchant_, "p2"), MakeProduct("p2"));
}

TEST_P(StoreTransactionTest, ConcurrentReadersAndWritersSeeCommittedData) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!db_->RunInTransaction(InsertWork(id)).ok()) ++failures;
        Status read = db_->RunReadOnly([&](Transaction& tx) -> Status {
          auto found = tx.products().Find(merchant_, id);
          if (!found.ok()) return found.status();
          return found->has_value() ? Status::Ok() : NotFoundError("lost write");
        });
        if (!read.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(StoreTransactionTest, SubmitFromManyThreadsCommitsEverything) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::mutex mu;
  std::vector<std::size_t> group_sizes;
  db_->SetGroupObserver([&](std::size_t works) {
    std::lock_guard<std::mutex> lock(mu);
    group_sizes.push_back(works);
  });
  std::latch start(kThreads);
  std::vector<std::vector<std::future<Status>>> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        results[t].push_back(
            SubmitForStatus(InsertWork(std::to_string(t) + "-" + std::to_string(i))));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (auto& per_thread : results) {
    for (auto& result : per_thread) EXPECT_EQ(result.get(), Status::Ok());
  }
  db_->Shutdown();  // joins the writer: the observer has seen every group
  std::size_t total = 0;
  for (std::size_t n : group_sizes) total += n;
  EXPECT_EQ(total, static_cast<std::size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string id = std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(ReadProduct(merchant_, id), MakeProduct(id)) << id;
    }
  }
}

TEST_P(StoreTransactionTest, FailingWorkInGroupRollsBackAlone) {
  std::vector<std::size_t> group_sizes;  // written by the writer, read after Shutdown
  db_->SetGroupObserver([&](std::size_t works) { group_sizes.push_back(works); });
  HeldWriter held = HoldWriter(*db_);
  std::future<Status> first = SubmitForStatus(InsertWork("a"));
  std::future<Status> failing = SubmitForStatus([this](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("doomed")(tx));
    return InvalidArgumentError("bad element");
  });
  std::future<Status> duplicate = SubmitForStatus(InsertWork("a"));  // collides with `first`
  std::future<Status> throwing = SubmitForStatus([this](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("thrown")(tx));
    throw std::runtime_error("boom");
  });
  std::future<Status> last = SubmitForStatus(InsertWork("b"));
  held.release.set_value();

  EXPECT_EQ(held.done.get(), Status::Ok());
  EXPECT_EQ(first.get(), Status::Ok());
  EXPECT_EQ(failing.get(), InvalidArgumentError("bad element"));
  EXPECT_EQ(duplicate.get().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(throwing.get().code(), StatusCode::kInternal);
  EXPECT_EQ(last.get(), Status::Ok());
  db_->Shutdown();
  EXPECT_EQ(group_sizes, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(ReadProduct(merchant_, "a"), MakeProduct("a"));
  EXPECT_EQ(ReadProduct(merchant_, "b"), MakeProduct("b"));
  EXPECT_EQ(ReadProduct(merchant_, "doomed"), std::nullopt);
  EXPECT_EQ(ReadProduct(merchant_, "thrown"), std::nullopt);
}

TEST_P(StoreTransactionTest, LoneWorkCommitsWithoutWaitingForMore) {
  std::future<Status> done = SubmitForStatus(InsertWork("solo"));
  EXPECT_EQ(done.get(), Status::Ok());  // would hang if the writer waited to fill a group
  EXPECT_EQ(ReadProduct(merchant_, "solo"), MakeProduct("solo"));
}

TEST_P(StoreTransactionTest, LoneFailingWorkRollsBackAndWriterGoesOn) {
  // Alone in its group (SQLite runs such a work without a savepoint): its own error, none of
  // its writes, and the next work commits normally.
  std::future<Status> failing = SubmitForStatus([this](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("doomed")(tx));
    return InvalidArgumentError("bad element");
  });
  EXPECT_EQ(failing.get(), InvalidArgumentError("bad element"));
  std::future<Status> throwing = SubmitForStatus([this](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(InsertWork("thrown")(tx));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(throwing.get().code(), StatusCode::kInternal);
  EXPECT_EQ(SubmitForStatus(InsertWork("after")).get(), Status::Ok());
  EXPECT_EQ(ReadProduct(merchant_, "doomed"), std::nullopt);
  EXPECT_EQ(ReadProduct(merchant_, "thrown"), std::nullopt);
  EXPECT_EQ(ReadProduct(merchant_, "after"), MakeProduct("after"));
}

// A work may catch a failed write and go on. Whatever the failed write had half done must
// not be committed with the rest of the work: SQLite runs groups without savepoints first
// and must replay such a group with them.
TEST_P(StoreTransactionTest, AWorkThatGoesOnFromAFailedWriteCommitsNoneOfIt) {
  ASSERT_EQ(SubmitForStatus(InsertWork("taken")).get(), Status::Ok());
  auto goes_on = [this](const std::string& half, const std::string& kept) -> Work {
    return [this, half, kept](Transaction& tx) -> Status {
      // Two rows in one all-or-nothing call; the second collides.
      std::vector<Product> both = {MakeProduct(half), MakeProduct("taken")};
      if (tx.products().Insert(merchant_, both).code() != StatusCode::kAlreadyExists) {
        return InternalError("the colliding insert did not fail");
      }
      return InsertWork(kept)(tx);
    };
  };
  // In a group with others, then alone.
  HeldWriter held = HoldWriter(*db_);
  std::future<Status> before = SubmitForStatus(InsertWork("before"));
  std::future<Status> grouped = SubmitForStatus(goes_on("half-grouped", "kept-grouped"));
  std::future<Status> after = SubmitForStatus(InsertWork("after"));
  held.release.set_value();
  EXPECT_EQ(held.done.get(), Status::Ok());
  EXPECT_EQ(before.get(), Status::Ok());
  EXPECT_EQ(grouped.get(), Status::Ok());
  EXPECT_EQ(after.get(), Status::Ok());
  EXPECT_EQ(SubmitForStatus(goes_on("half-alone", "kept-alone")).get(), Status::Ok());

  for (const char* id : {"before", "kept-grouped", "after", "kept-alone"}) {
    EXPECT_EQ(ReadProduct(merchant_, id), MakeProduct(id)) << id;
  }
  EXPECT_EQ(ReadProduct(merchant_, "half-grouped"), std::nullopt);
  EXPECT_EQ(ReadProduct(merchant_, "half-alone"), std::nullopt);
}

TEST_P(StoreTransactionTest, ShutdownDrainsQueueThenRejectsSubmits) {
  HeldWriter held = HoldWriter(*db_);
  std::vector<std::future<Status>> queued;
  queued.reserve(3);
  for (int i = 0; i < 3; ++i)
    queued.push_back(SubmitForStatus(InsertWork("q" + std::to_string(i))));
  std::thread shutdown([this] { db_->Shutdown(); });
  held.release.set_value();
  shutdown.join();
  EXPECT_EQ(held.done.get(), Status::Ok());
  for (auto& f : queued) EXPECT_EQ(f.get(), Status::Ok());

  std::future<Status> late = SubmitForStatus(InsertWork("late"));
  ASSERT_EQ(late.wait_for(std::chrono::seconds(0)), std::future_status::ready)
      << "done runs at once on the caller after Shutdown";
  EXPECT_EQ(late.get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(ReadProduct(merchant_, "q2"), MakeProduct("q2"));
  EXPECT_EQ(ReadProduct(merchant_, "late"), std::nullopt);
  db_->Shutdown();  // idempotent
}

TEST_P(StoreTransactionTest, CommittedDataSurvivesReopen) {
  ASSERT_EQ(InsertProducts(merchant_, {MakeProduct("direct")}), Status::Ok());
  ASSERT_EQ(SubmitForStatus(InsertWork("grouped")).get(), Status::Ok());
  Reopen();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(db_->Migrate(), Status::Ok());
  EXPECT_EQ(ReadProduct(merchant_, "direct"), MakeProduct("direct"));
  EXPECT_EQ(ReadProduct(merchant_, "grouped"), MakeProduct("grouped"));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTransactionTest, ::testing::ValuesIn(AllBackends()),
                         BackendName);

}  // namespace
}  // namespace restock::store::testing
