// The PostgreSQL backend's own pieces: error classification, array literals, URLs (no
// server needed), and recovery from lost connections (with RESTOCK_TEST_PG_URL).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <string>
#include <vector>
#include <unistd.h>

#include "store/backend.h"
#include "store/postgres/admin.h"
#include "store/postgres/connection.h"
#include "store/postgres/errors.h"
#include "store/postgres/pg_database.h"
#include "store/postgres/repos.h"
#include "store/submit_util.h"
#include "support/fake_clock.h"

namespace restock::store::postgres {
namespace {

TEST(PgErrorsTest, SqlStatesMapToStatusCodes) {
  struct Case {
    const char* sqlstate;
    StatusCode code;
  };
  const Case cases[] = {
      {"23505", StatusCode::kAlreadyExists}, {"40001", StatusCode::kAborted},
      {"40P01", StatusCode::kAborted},       {"57P01", StatusCode::kUnavailable},
      {"57P02", StatusCode::kUnavailable},   {"57P03", StatusCode::kUnavailable},
      {"08006", StatusCode::kUnavailable},   {"08001", StatusCode::kUnavailable},
      {"53300", StatusCode::kUnavailable},   {"57014", StatusCode::kUnavailable},
      {"", StatusCode::kUnavailable},        {"55P03", StatusCode::kUnavailable},
      {"3F000", StatusCode::kInvalidArgument}, {"3D000", StatusCode::kInvalidArgument},
      {"28P01", StatusCode::kInvalidArgument}, {"42501", StatusCode::kInvalidArgument},
      {"25006", StatusCode::kInternal},
      {"42P01", StatusCode::kInternal},      {"23503", StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    Status s = StatusForSqlState(c.sqlstate);
    EXPECT_EQ(s.code(), c.code) << c.sqlstate;
    EXPECT_EQ(s.message().find("SELECT"), std::string::npos);
  }
}

// libpq's own messages (PostgreSQL 15) for each cause: the error names it, and the exit code
// tells a configuration fault (2: fix it) from a transient one (8: try again).
TEST(PgErrorsTest, ConnectFailuresNameTheCauseAndTellConfigurationFromTransient) {
  struct Case {
    const char* libpq;
    StatusCode code;
  };
  const Case cases[] = {
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
       "authentication failed for user \"restock\"\n",
       StatusCode::kInvalidArgument},
      {"connection to server at \"db\" (10.0.0.5), port 5432 failed: server does not support "
       "SSL, but SSL was required\n",
       StatusCode::kInvalidArgument},
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"shop\" does "
       "not exist\n",
       StatusCode::kInvalidArgument},
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  role \"shop\" does not "
       "exist\n",
       StatusCode::kInvalidArgument},
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  no pg_hba.conf entry "
       "for host \"10.0.0.9\", user \"shop\", database \"shop\", no encryption\n",
       StatusCode::kInvalidArgument},
      {"invalid sslmode value: \"requre\"\n", StatusCode::kInvalidArgument},
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  sorry, too many "
       "clients already\n",
       StatusCode::kUnavailable},
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  the database system "
       "is starting up\n",
       StatusCode::kUnavailable},
      {"connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the "
       "server running on that host and accepting TCP/IP connections?\n",
       StatusCode::kUnavailable},
      {"", StatusCode::kUnavailable},
  };
  for (const Case& c : cases) {
    Status s = StatusForConnectFailure(c.libpq);
    EXPECT_EQ(s.code(), c.code) << c.libpq;
    EXPECT_EQ(s.message().rfind("cannot connect to the database: ", 0), 0u) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  }
  EXPECT_NE(StatusForConnectFailure(cases[0].libpq).message().find("password authentication failed"),
            std::string::npos);
  EXPECT_NE(StatusForConnectFailure(cases[6].libpq).message().find("too many clients"),
            std::string::npos);
}

TEST(PgErrorsTest, RetryOnlyWhatCannotHaveCommitted) {
  EXPECT_EQ(RetryFor(AbortedError("x"), false), Retry::kAborted);
  EXPECT_EQ(RetryFor(AbortedError("x"), true), Retry::kAborted);
  EXPECT_EQ(RetryFor(UnavailableError("x"), false), Retry::kReconnect);
  // The COMMIT may have been applied: running the work again could apply it twice.
  EXPECT_EQ(RetryFor(UnavailableError("x"), true), Retry::kNo);
  EXPECT_EQ(RetryFor(AlreadyExistsError("x"), false), Retry::kNo);
  EXPECT_EQ(RetryFor(InternalError("x"), false), Retry::kNo);
  EXPECT_EQ(RetryFor(Status::Ok(), false), Retry::kNo);
}

TEST(PgArrayLiteralTest, QuotesTextAndWritesNulls) {
  EXPECT_EQ(ArrayLiteral().str(), "{}");
  EXPECT_EQ(ArrayLiteral().Text("a").Text("").Text("x,y").str(), R"({"a","","x,y"})");
  EXPECT_EQ(ArrayLiteral().Text("q\"b\\s{}").str(), R"({"q\"b\\s{}"})");
  EXPECT_EQ(ArrayLiteral().Int(1).Null().OptionalInt(-5).OptionalInt(std::nullopt).str(),
            "{1,NULL,-5,NULL}");
  EXPECT_EQ(ArrayLiteral().Bool(true).Bool(false).str(), "{t,f}");
  EXPECT_EQ(ArrayLiteral().Text("NULL").str(), R"({"NULL"})") << "a string, not a null";
  EXPECT_EQ(ArrayLiteral().Date({2026, 3, 7}).str(), "{2026-03-07}");
}

TEST(PgAdminTest, UrlWithDatabaseReplacesThePath) {
  EXPECT_EQ(*UrlWithDatabase("postgresql://u@127.0.0.1:5432/postgres", "t1"),
            "postgresql://u@127.0.0.1:5432/t1");
  EXPECT_EQ(*UrlWithDatabase("postgres://h", "t1"), "postgres://h/t1");
  EXPECT_EQ(*UrlWithDatabase("postgresql://h:1/db?sslmode=disable", "x"),
            "postgresql://h:1/x?sslmode=disable");
  EXPECT_FALSE(UrlWithDatabase("mysql://h/db", "x").ok());
  EXPECT_FALSE(UrlWithDatabase("/tmp/restock.db", "x").ok());
  EXPECT_EQ(CreateDatabase("postgresql://127.0.0.1:1/x", "bad name; DROP").code(),
            StatusCode::kInvalidArgument);
}

TEST(PgDatabaseOpenTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto db = PgDatabase::Open("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", {});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(PgDatabase::Open("postgresql://127.0.0.1:1/x", PgOptions{.pool_size = 0}).status().code(),
            StatusCode::kInvalidArgument);
}

// A database of its own on the test server, with every connection cut on demand.
class PgRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> server = store::testing::PostgresTestUrl();
    if (!server) GTEST_SKIP() << "RESTOCK_TEST_PG_URL not set";
    server_ = *server;
    name_ = "restock_recovery_" + std::to_string(::getpid());
    (void)DropDatabase(server_, name_);
    ASSERT_EQ(CreateDatabase(server_, name_), Status::Ok());
    url_ = *UrlWithDatabase(server_, name_);
    PgOptions options;
    options.clock = &clock_;
    auto db = PgDatabase::Open(url_, options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_EQ(db_->Migrate(), Status::Ok());
    ASSERT_EQ(db_->RunInTransaction([&](Transaction& tx) -> Status {
      model::Merchant m;
      m.public_id = "m";
      m.hash_key = "k";
      RESTOCK_ASSIGN_OR_RETURN(m, tx.merchants().Create(m));
      merchant_ = m.id;
      return Status::Ok();
    }),
              Status::Ok());
  }
  void TearDown() override {
    db_.reset();
    if (!name_.empty()) (void)DropDatabase(server_, name_);
  }

  Work Insert(const std::string& id) {
    return [this, id](Transaction& tx) {
      model::Product p;
      p.product_id = id;
      return tx.products().Insert(merchant_, std::span(&p, 1));
    };
  }
  bool Exists(const std::string& id) {
    bool found = false;
    EXPECT_EQ(db_->RunReadOnly([&](Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(auto p, tx.products().Find(merchant_, id));
      found = p.has_value();
      return Status::Ok();
    }),
              Status::Ok());
    return found;
  }
  void CutConnections() {
    Result<int> cut = TerminateConnections(server_, name_);
    ASSERT_TRUE(cut.ok()) << cut.status().ToString();
    ASSERT_GT(*cut, 0);
  }

  restock::testing::FakeClock clock_;
  std::string server_, name_, url_;
  std::unique_ptr<PgDatabase> db_;
  model::MerchantId merchant_ = 0;
};

TEST_F(PgRecoveryTest, GroupWriterReconnectsAfterItsConnectionIsCut) {
  ASSERT_EQ(store::testing::SubmitForStatus(*db_, Insert("before")).get(), Status::Ok());
  CutConnections();
  EXPECT_EQ(store::testing::SubmitForStatus(*db_, Insert("after")).get(), Status::Ok());
  EXPECT_TRUE(Exists("before"));
  EXPECT_TRUE(Exists("after"));
}

// Reads the plan_cache_mode of the connection a work runs on (SHOW cannot be prepared).
Work ReadPlanCacheMode(std::string& mode) {
  return [&mode](Transaction& tx) -> Status {
    Connection& conn = dynamic_cast<PgTransaction&>(tx).connection();
    RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                             conn.Query("SELECT current_setting('plan_cache_mode')", Params{}));
    mode = std::string(rows.Text(0, 0));
    return Status::Ok();
  };
}

// The group writer plans its statements once (docs/decisions.md); pooled connections keep
// PostgreSQL's default. A reconnected writer sets it again.
TEST_F(PgRecoveryTest, OnlyTheGroupWriterUsesGenericPlans) {
  std::string writer_mode, pooled_mode, reconnected_mode;
  ASSERT_EQ(store::testing::SubmitForStatus(*db_, ReadPlanCacheMode(writer_mode)).get(),
            Status::Ok());
  EXPECT_EQ(writer_mode, "force_generic_plan");
  ASSERT_EQ(db_->RunInTransaction(ReadPlanCacheMode(pooled_mode)), Status::Ok());
  EXPECT_EQ(pooled_mode, "auto");
  CutConnections();
  ASSERT_EQ(store::testing::SubmitForStatus(*db_, ReadPlanCacheMode(reconnected_mode)).get(),
            Status::Ok());
  EXPECT_EQ(reconnected_mode, "force_generic_plan");
}

// How often this connection planned the prepared statement whose text contains `fragment`:
// "generic custom" (pg_prepared_statements, PostgreSQL 14+).
Result<std::string> PlanCounts(Transaction& tx, std::string_view fragment) {
  Connection& conn = dynamic_cast<PgTransaction&>(tx).connection();
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT generic_plans || ' ' || custom_plans FROM "
                            "pg_prepared_statements WHERE strpos(statement, $1) > 0",
                            Params().Text(fragment)));
  if (rows.size() != 1) return InternalError("not one prepared statement matches");
  return std::string(rows.Text(0, 0));
}

// Scans over many orders are planned for their own parameters on the generic-plan writer (a
// generic page read hash-joined all of order_items), and its generic plans are back right
// after them.
TEST_F(PgRecoveryTest, OrderScansArePlannedForTheirParametersAndRestoreTheMode) {
  std::string page_plans, page_mode, out_of_stock_plans, out_of_stock_mode;
  Work page = [&](Transaction& tx) -> Status {
    for (int i = 0; i < 2; ++i) {
      RESTOCK_RETURN_IF_ERROR(
          tx.orders().ListForPlacement(merchant_, CivilDate{2027, 1, 1}, 0, 10).status());
    }
    RESTOCK_ASSIGN_OR_RETURN(page_plans, PlanCounts(tx, "place_date <= $2"));
    return ReadPlanCacheMode(page_mode)(tx);
  };
  Work out_of_stock = [&](Transaction& tx) -> Status {
    std::string_view products[] = {"p1"};
    for (int i = 0; i < 2; ++i) {
      RESTOCK_RETURN_IF_ERROR(
          tx.orders().ListOutOfStockWithProducts(merchant_, products, 0, 10).status());
    }
    RESTOCK_ASSIGN_OR_RETURN(out_of_stock_plans, PlanCounts(tx, "product_id = ANY($2"));
    return ReadPlanCacheMode(out_of_stock_mode)(tx);
  };
  ASSERT_EQ(store::testing::SubmitForStatus(*db_, page).get(), Status::Ok());
  EXPECT_EQ(page_plans, "0 2");
  EXPECT_EQ(page_mode, "force_generic_plan");
  ASSERT_EQ(store::testing::SubmitForStatus(*db_, out_of_stock).get(), Status::Ok());
  EXPECT_EQ(out_of_stock_plans, "0 2");
  EXPECT_EQ(out_of_stock_mode, "force_generic_plan");
  // Pooled write transactions keep PostgreSQL's default.
  ASSERT_EQ(db_->RunInTransaction(page), Status::Ok());
  EXPECT_EQ(page_mode, "auto");
}

TEST_F(PgRecoveryTest, PooledConnectionsAreReplacedAfterBeingCut) {
  ASSERT_EQ(db_->RunInTransaction(Insert("before")), Status::Ok());
  EXPECT_TRUE(Exists("before"));
  CutConnections();
  EXPECT_TRUE(Exists("before"));  // a read on a replaced connection
  EXPECT_EQ(db_->RunInTransaction(Insert("after")), Status::Ok());
  EXPECT_TRUE(Exists("after"));
}

TEST_F(PgRecoveryTest, ConnectionCutInsideAWorkRetriesTheWholeWork) {
  std::atomic<int> runs{0};
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    if (++runs == 1) CutConnections();  // the first attempt loses its connection mid-work
    return Insert("once")(tx);
  });
  EXPECT_EQ(status, Status::Ok());
  EXPECT_EQ(runs.load(), 2);
  EXPECT_TRUE(Exists("once"));
}

TEST_F(PgRecoveryTest, PoolOfOneMakesTheSecondCallerWaitForTheFirst) {
  PgOptions options;
  options.pool_size = 1;
  options.clock = &clock_;
  auto small = PgDatabase::Open(url_, options);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  auto first = std::async(std::launch::async, [&] {
    return (*small)->RunReadOnly([&](Transaction&) {
      entered.set_value();
      released.wait();
      return Status::Ok();
    });
  });
  entered.get_future().wait();
  auto second = std::async(std::launch::async, [&] {
    return (*small)->RunReadOnly([](Transaction&) { return Status::Ok(); });
  });
  // The only connection is taken: the second call waits (bounded check, not a sleep race:
  // it can only become ready after the release below).
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(first.get(), Status::Ok());
  EXPECT_EQ(second.get(), Status::Ok());
}

// Two transactions locking two products in opposite orders: PostgreSQL ends one as a
// deadlock victim. Once its retries are spent, the victim is a transient failure
// (Unavailable: 503 with Retry-After), not a conflict (Aborted: 409), and it is counted.
TEST_F(PgRecoveryTest, DeadlockAfterTheLastAttemptIsUnavailableAndCounted) {
  ASSERT_EQ(db_->RunInTransaction(Insert("a")), Status::Ok());
  ASSERT_EQ(db_->RunInTransaction(Insert("b")), Status::Ok());
  PgOptions options;
  options.max_attempts = 1;
  options.clock = &clock_;
  auto once = PgDatabase::Open(url_, options);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  std::atomic<int> deadlocks{0};
  (*once)->SetDeadlockObserver([&deadlocks] { ++deadlocks; });
  std::latch both_hold_one(2);
  auto lock_in_order = [&](std::string first, std::string second) {
    return (*once)->RunInTransaction([&, first, second](Transaction& tx) -> Status {
      std::string_view one[] = {first};
      RESTOCK_RETURN_IF_ERROR(tx.products().FindMany(merchant_, one).status());
      both_hold_one.arrive_and_wait();
      std::string_view other[] = {second};
      return tx.products().FindMany(merchant_, other).status();
    });
  };
  auto ab = std::async(std::launch::async, lock_in_order, "a", "b");
  auto ba = std::async(std::launch::async, lock_in_order, "b", "a");
  Status s1 = ab.get(), s2 = ba.get();
  // Exactly one is the victim; the other commits once the victim's locks are gone.
  EXPECT_NE(s1.ok(), s2.ok()) << s1.ToString() << " / " << s2.ToString();
  const Status& victim = s1.ok() ? s2 : s1;
  EXPECT_EQ(victim.code(), StatusCode::kUnavailable) << victim.ToString();
  EXPECT_NE(victim.message().find("40P01"), std::string::npos) << victim.ToString();
  EXPECT_EQ(deadlocks.load(), 1);
}

TEST_F(PgRecoveryTest, DuplicateInsertLeavesTheTransactionUsable) {
  ASSERT_EQ(db_->RunInTransaction(Insert("p1")), Status::Ok());
  // PostgreSQL aborts a transaction on any failed statement; the repository's savepoint
  // must undo only the duplicate, so the work can go on and commit the rest.
  Status duplicate;
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    duplicate = Insert("p1")(tx);
    return Insert("after")(tx);
  });
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(status, Status::Ok());
  EXPECT_TRUE(Exists("after"));
}

TEST_F(PgRecoveryTest, AtCommitStepsRunLastInKeyOrderAcrossTheGroupAndDieWithTheirWork) {
  std::vector<std::string> ran;  // steps run on the writer thread, one at a time
  auto work = [&](std::int64_t key, const std::string& id, bool fail) -> Work {
    return [&ran, this, key, id, fail](Transaction& tx) -> Status {
      RESTOCK_RETURN_IF_ERROR(tx.AtCommit(key, [&ran, this, id](Transaction& t) {
        ran.push_back(id);
        return Insert(id)(t);
      }));
      // The step has not run yet: it comes after every work of the group.
      if (!ran.empty()) return InternalError("a step ran before the group's works were done");
      return fail ? InvalidArgumentError("this work fails") : Status::Ok();
    };
  };
  store::testing::HeldWriter held = store::testing::HoldWriter(*db_);
  auto three = store::testing::SubmitForStatus(*db_, work(3, "k3", false));
  auto failed = store::testing::SubmitForStatus(*db_, work(1, "k1", true));
  auto two = store::testing::SubmitForStatus(*db_, work(2, "k2", false));
  held.release.set_value();
  ASSERT_EQ(held.done.get(), Status::Ok());
  EXPECT_EQ(three.get(), Status::Ok());
  EXPECT_EQ(failed.get().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(two.get(), Status::Ok());
  EXPECT_EQ(ran, (std::vector<std::string>{"k2", "k3"}));
  EXPECT_TRUE(Exists("k2"));
  EXPECT_TRUE(Exists("k3"));
  EXPECT_FALSE(Exists("k1"));
}

TEST_F(PgRecoveryTest, AFailingAtCommitStepRollsBackItsWork) {
  Status status = db_->RunInTransaction([&](Transaction& tx) -> Status {
    RESTOCK_RETURN_IF_ERROR(Insert("mine")(tx));
    return tx.AtCommit(0, [](Transaction&) { return InternalError("the step fails"); });
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_FALSE(Exists("mine"));
}

}  // namespace
}  // namespace restock::store::postgres
