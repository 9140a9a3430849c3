// What only the SQLite backend promises: options, file handling, schema versioning,
// busy handling and the group size cap.
#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/repos.h"
#include "store/sqlite_fixture.h"
#include "store/submit_util.h"
#include "store/temp_dir.h"

namespace restock::store::sqlite {
namespace {

using store::testing::HeldWriter;
using store::testing::HoldWriter;
using store::testing::SubmitForStatus;
using store::testing::TempDir;
using testing::CountRows;
using testing::HistoryIds;
using testing::SqliteDatabaseTest;

TEST_F(SqliteDatabaseTest, OpenRejectsBadOptions) {
  SqliteOptions sync;
  sync.synchronous = "OFF";
  EXPECT_EQ(SqliteDatabase::Open(path_, sync).status().code(), StatusCode::kInvalidArgument);
  SqliteOptions readers;
  readers.read_connections = 0;
  EXPECT_EQ(SqliteDatabase::Open(path_, readers).status().code(), StatusCode::kInvalidArgument);
  SqliteOptions group;
  group.max_group_works = 0;
  EXPECT_EQ(SqliteDatabase::Open(path_, group).status().code(), StatusCode::kInvalidArgument);
  SqliteOptions cache;
  cache.cache_mib = 0;
  EXPECT_EQ(SqliteDatabase::Open(path_, cache).status().code(), StatusCode::kInvalidArgument);
  SqliteOptions checkpoint;
  checkpoint.wal_autocheckpoint_pages = 0;
  EXPECT_EQ(SqliteDatabase::Open(path_, checkpoint).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDatabaseTest, OpenInMissingDirectoryIsInvalidArgumentNamingIt) {
  const std::string missing = dir_.File("no/such/dir");
  auto db = SqliteDatabase::Open(missing + "/restock.db", {});
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(db.status().message().find("directory '" + missing + "' does not exist"),
            std::string::npos)
      << db.status().message();
}

TEST_F(SqliteDatabaseTest, InMemoryDatabaseIsRefused) {
  EXPECT_EQ(SqliteDatabase::Open(":memory:", {}).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDatabaseTest, OpenCreatesFileInWalModeWithNormalSync) {
  SqliteOptions options;
  options.synchronous = "NORMAL";
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_TRUE(std::filesystem::exists(path_ + "-wal"));
}

TEST_F(SqliteDatabaseTest, MigrateRefusesSchemaNewerThanBinary) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  {
    auto conn = Connection::Open(path_, {});
    ASSERT_TRUE(conn.ok());
    ASSERT_EQ((*conn)->Exec("INSERT INTO schema_migrations VALUES (9999, 'future')"), Status::Ok());
  }
  EXPECT_EQ(db->Migrate().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDatabaseTest, MigrationsAreRecordedOncePerVersion) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(db->Migrate(), Status::Ok());
  auto conn = Connection::Open(path_, {});
  ASSERT_TRUE(conn.ok());
  auto stmt = (*conn)->Prepare("SELECT COUNT(*), MAX(version) FROM schema_migrations");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->Step().ok());
  EXPECT_EQ(stmt->ColumnInt64(0), static_cast<std::int64_t>(Migrations().size()));
  EXPECT_EQ(stmt->ColumnInt64(1), LatestSchemaVersion());
}

TEST_F(SqliteDatabaseTest, MigrationMissingBelowTheNewestIsStillApplied) {
  // Numbers are reserved per feature, so a smaller migration may land after a bigger one has
  // been applied: undo migration 2 while 4 stays recorded, and Migrate must redo 2.
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  {
    auto conn = Connection::Open(path_, {});
    ASSERT_TRUE(conn.ok());
    ASSERT_EQ((*conn)->Exec("DROP TABLE placement_runs; DROP TABLE order_events; "
                            "DROP TABLE order_items; DROP TABLE orders; "
                            "DROP TABLE subscriptions; DROP TABLE customers; "
                            "ALTER TABLE merchants DROP COLUMN placement_minute; "
                            "DELETE FROM schema_migrations WHERE version = 2"),
              Status::Ok());
  }
  ASSERT_EQ(db->Migrate(), Status::Ok());
  auto conn = Connection::Open(path_, {});
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->Exec("SELECT placement_minute, replay_protection FROM merchants; "
                          "SELECT date FROM placement_runs; SELECT digest FROM seen_signatures"),
            Status::Ok());
}

// Counts rows with a one-off connection.
// The frames in the WAL now (mxFrame of the wal-index header, the "-shm" file: a native
// 32-bit integer at byte 16; SQLite's documented file format).
std::uint32_t WalFrames(const std::string& path) {
  std::ifstream shm(path + "-shm", std::ios::binary);
  char header[20] = {};
  shm.read(header, sizeof header);
  std::uint32_t frames = 0;
  std::memcpy(&frames, header + 16, sizeof frames);
  return frames;
}

TEST_F(SqliteDatabaseTest, MigrationFromVersionOneKeepsItsData) {
  model::Merchant merchant;
  merchant.public_id = "old";
  merchant.hash_key = "k";
  model::Product product;
  product.product_id = "p1";
  product.name = "Kept";
  product.inventory = 3;
  model::ApiKey key{.merchant_id = 0,
                    .name = "k",
                    .key_sha256_hex = std::string(64, 'a'),
                    .last_used = std::nullopt};
  {
    // A database as the version-1 binary left it.
    auto conn = Connection::Open(path_, {});
    ASSERT_TRUE(conn.ok());
    ASSERT_EQ((*conn)->Exec("CREATE TABLE schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"),
              Status::Ok());
    ASSERT_EQ((*conn)->Exec(Migrations()[0].sql), Status::Ok());
    ASSERT_EQ((*conn)->Exec("INSERT INTO schema_migrations VALUES (1, 'then')"), Status::Ok());
    ASSERT_EQ((*conn)->Exec("BEGIN"), Status::Ok());
    // The merchant row as version 1 wrote it (today's repo writes newer columns).
    ASSERT_EQ((*conn)->Exec("INSERT INTO merchants (public_id, name, hash_key, timezone, "
                            "oos_policy, created) VALUES ('old', '', 'k', 'UTC', 'split', 0)"),
              Status::Ok());
    SqliteTransaction tx(**conn, clock_);
    merchant.id = (*conn)->LastInsertRowId();
    key.merchant_id = merchant.id;
    ASSERT_EQ(tx.products().Insert(merchant.id, std::span(&product, 1)), Status::Ok());
    ASSERT_EQ(tx.merchants().AddApiKey(key), Status::Ok());
    ASSERT_EQ((*conn)->Exec("COMMIT"), Status::Ok());
  }
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(path_, "SELECT MAX(version) FROM schema_migrations"), LatestSchemaVersion());
  EXPECT_EQ(db->RunReadOnly([&](store::Transaction& tx) -> Status {
    auto found = tx.merchants().FindByPublicId("old");
    EXPECT_TRUE(found.ok() && found->has_value() && (*found)->id == merchant.id);
    EXPECT_EQ((*found)->replay_protection, model::ReplayProtection::kOff);
    auto p = tx.products().Find(merchant.id, "p1");
    EXPECT_TRUE(p.ok());
    EXPECT_EQ(*p, product);
    auto k = tx.merchants().FindApiKey(key.key_sha256_hex);
    EXPECT_TRUE(k.ok() && k->has_value() && (*k)->merchant_id == merchant.id);
    return Status::Ok();
  }),
            Status::Ok());
  // The new tables work for the old merchant.
  EXPECT_EQ(db->RunInTransaction([&](store::Transaction& tx) -> Status {
    model::Subscription s;
    s.merchant_id = merchant.id;
    s.customer_id = "c1";
    s.product_id = "p1";
    RESTOCK_ASSIGN_OR_RETURN(std::int64_t subscription, tx.subscriptions().Create(s));
    model::Order o;
    o.merchant_id = merchant.id;
    o.customer_id = "c1";
    o.items = {{.subscription_id = subscription, .product_id = "p1", .quantity = 1}};
    return tx.orders().Insert(o).status();
  }),
            Status::Ok());
}

TEST_F(SqliteDatabaseTest, MigrationSevenChainsTheStockEventsAlreadyStored) {
  {
    // A database as the version-4 binary left it, with interleaved events of two products
    // (ids 1..5: p1, p2, p1, p2, p1) and a product without events.
    auto conn = Connection::Open(path_, {});
    ASSERT_TRUE(conn.ok());
    ASSERT_EQ((*conn)->Exec("CREATE TABLE schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"),
              Status::Ok());
    for (const Migration& migration : Migrations()) {
      if (migration.version > 4) break;
      ASSERT_EQ((*conn)->Exec(migration.sql), Status::Ok());
      const std::string record = "INSERT INTO schema_migrations VALUES (" +
                                 std::to_string(migration.version) + ", 'then')";
      ASSERT_EQ((*conn)->Exec(record.c_str()), Status::Ok());
    }
    ASSERT_EQ(
        (*conn)->Exec(
            "INSERT INTO merchants (id, public_id, hash_key, created) VALUES (1, 'm', 'k', 0);"
            "INSERT INTO products (merchant_id, product_id, live, discontinued, "
            "autoship_enabled, created, last_update) VALUES (1, 'p1', 1, 0, 1, 0, 0), "
            "(1, 'p2', 1, 0, 1, 0, 0), (1, 'p3', 1, 0, 1, 0, 0);"
            "INSERT INTO stock_events (merchant_id, product_id, prev_live, live, "
            "prev_discontinued, discontinued, source, created) VALUES "
            "(1, 'p1', 1, 0, 0, 0, 'api', 1), (1, 'p2', 1, 0, 0, 0, 'api', 2), "
            "(1, 'p1', 0, 1, 0, 0, 'feed', 3), (1, 'p2', 0, 1, 0, 0, 'api', 4), "
            "(1, 'p1', 1, 0, 0, 0, 'cli', 5)"),
        Status::Ok());
  }
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(path_,
                      "SELECT COUNT(*) FROM sqlite_master "
                      "WHERE name = 'stock_events_by_product'"),
            0);
  StockEventPage all;
  all.limit = 100;
  EXPECT_EQ(HistoryIds(*db, 1, "p1", all), (std::vector<std::int64_t>{5, 3, 1}));
  EXPECT_EQ(HistoryIds(*db, 1, "p2", all), (std::vector<std::int64_t>{4, 2}));
  EXPECT_TRUE(HistoryIds(*db, 1, "p3", all).empty());
  StockEventPage older = all;
  older.older_than = 5;
  EXPECT_EQ(HistoryIds(*db, 1, "p1", older), (std::vector<std::int64_t>{3, 1}));
  // New events continue the chains the migration built.
  EXPECT_EQ(db->RunInTransaction([&](store::Transaction& tx) -> Status {
    model::StockEvent e;
    e.merchant_id = 1;
    e.source = model::StockSource::kApi;
    e.product_id = "p2";
    RESTOCK_RETURN_IF_ERROR(tx.stock_events().Append(std::span(&e, 1)));
    e.product_id = "p3";
    return tx.stock_events().Append(std::span(&e, 1));
  }),
            Status::Ok());
  EXPECT_EQ(HistoryIds(*db, 1, "p2", all), (std::vector<std::int64_t>{6, 4, 2}));
  EXPECT_EQ(HistoryIds(*db, 1, "p3", all), (std::vector<std::int64_t>{7}));
}

// The group writer relies on this count to see a failure a work went on from.
TEST_F(SqliteDatabaseTest, AConnectionCountsEveryFailedStatement) {
  auto opened = Connection::Open(path_, {});
  ASSERT_TRUE(opened.ok());
  Connection& conn = **opened;
  ASSERT_EQ(conn.Exec("CREATE TABLE t (k INTEGER PRIMARY KEY)"), Status::Ok());
  EXPECT_EQ(conn.failures(), 0u);
  auto insert = [&](std::int64_t k) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare("INSERT INTO t (k) VALUES (?1)"));
    stmt.BindInt64(1, k);
    return stmt.Run();
  };
  EXPECT_EQ(insert(1), Status::Ok());
  EXPECT_EQ(conn.failures(), 0u);
  EXPECT_EQ(insert(1).code(), StatusCode::kAlreadyExists);  // a failed step
  EXPECT_EQ(conn.failures(), 1u);
  EXPECT_FALSE(conn.Exec("INSERT INTO t (k) VALUES (1)").ok());  // a failed Exec
  EXPECT_EQ(conn.failures(), 2u);
  EXPECT_FALSE(conn.Prepare("SELECT nothing FROM nowhere").ok());  // a failed Prepare
  EXPECT_EQ(conn.failures(), 3u);
  {
    auto stmt = conn.Prepare("SELECT k FROM t WHERE k = ?1");
    ASSERT_TRUE(stmt.ok());
    stmt->BindInt64(7, 1);  // no such parameter: reported by the step
    EXPECT_FALSE(stmt->Step().ok());
  }
  EXPECT_EQ(conn.failures(), 4u);
}

// A group is replayed only when it has to be: a work failed, or went on from a failure,
// while others share its transaction. The replay observer counts exactly those.
TEST_F(SqliteDatabaseTest, OnlyAGroupWithAFailedWorkIsReplayed) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::atomic<int> replays{0};
  db->SetReplayObserver([&replays] { ++replays; });
  auto ok = [](store::Transaction&) { return Status::Ok(); };
  auto failing = [](store::Transaction&) { return InvalidArgumentError("bad"); };
  model::Merchant taken;
  taken.public_id = "taken";
  ASSERT_EQ(db->RunInTransaction(
                [&](store::Transaction& tx) { return tx.merchants().Create(taken).status(); }),
            Status::Ok());
  auto goes_on = [&taken](store::Transaction& tx) -> Status {
    if (tx.merchants().Create(taken).ok()) return InternalError("the duplicate was accepted");
    return Status::Ok();  // goes on from the failed write
  };
  auto group = [&](std::vector<store::Work> works) {
    HeldWriter held = HoldWriter(*db);
    std::vector<std::future<Status>> done;
    for (auto& work : works) done.push_back(SubmitForStatus(*db, std::move(work)));
    held.release.set_value();
    EXPECT_EQ(held.done.get(), Status::Ok());
    for (auto& d : done) (void)d.get();
  };
  group({ok, ok, ok});
  EXPECT_EQ(SubmitForStatus(*db, failing).get(), InvalidArgumentError("bad"));
  EXPECT_EQ(replays.load(), 0);  // a lone failed work is only rolled back
  EXPECT_EQ(SubmitForStatus(*db, goes_on).get(), Status::Ok());
  EXPECT_EQ(replays.load(), 1);
  group({ok, failing, ok});
  EXPECT_EQ(replays.load(), 2);
  group({ok, goes_on, ok});
  EXPECT_EQ(replays.load(), 3);
}

TEST_F(SqliteDatabaseTest, StockEventOfAMissingProductIsInternalAndWritesNothing) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  const model::MerchantId merchant = CreateMerchantWithProducts(*db, {"p1"});
  model::StockEvent events[2];
  events[0].merchant_id = merchant;
  events[0].product_id = "p1";
  events[1].merchant_id = merchant;
  events[1].product_id = "nope";
  Status appended = Status::Ok();
  EXPECT_EQ(db->RunInTransaction([&](store::Transaction& tx) -> Status {
    appended = tx.stock_events().Append(events);
    return Status::Ok();  // commit whatever the failed append may have left
  }),
            Status::Ok());
  EXPECT_EQ(appended.code(), StatusCode::kInternal);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM stock_events"), 0);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM products WHERE last_event_id IS NOT NULL"), 0);

  // The same through the group writer, in a group and alone. It runs groups without
  // savepoints first, so it must notice this failure (no statement failed: the head update
  // changed no row) and replay the group with them.
  auto goes_on = [&](store::Transaction& tx) -> Status {
    appended = tx.stock_events().Append(events);
    return Status::Ok();
  };
  HeldWriter held = HoldWriter(*db);
  std::future<Status> grouped = SubmitForStatus(*db, goes_on);
  std::future<Status> other =
      SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); });
  held.release.set_value();
  EXPECT_EQ(held.done.get(), Status::Ok());
  EXPECT_EQ(grouped.get(), Status::Ok());
  EXPECT_EQ(other.get(), Status::Ok());
  EXPECT_EQ(appended.code(), StatusCode::kInternal);
  EXPECT_EQ(SubmitForStatus(*db, goes_on).get(), Status::Ok());
  EXPECT_EQ(appended.code(), StatusCode::kInternal);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM stock_events"), 0);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM products WHERE last_event_id IS NOT NULL"), 0);
}

TEST_F(SqliteDatabaseTest, ADamagedStockEventChainIsInternalNotAnEndlessWalk) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  const model::MerchantId merchant = CreateMerchantWithProducts(*db, {"p1", "p2"});
  ASSERT_EQ(db->RunInTransaction([&](store::Transaction& tx) -> Status {
    model::StockEvent events[3];
    events[0].merchant_id = events[1].merchant_id = events[2].merchant_id = merchant;
    events[0].product_id = "p1";  // id 1
    events[1].product_id = "p2";  // id 2
    events[2].product_id = "p1";  // id 3, after 1
    return tx.stock_events().Append(events);
  }),
            Status::Ok());
  StockEventPage all;
  all.limit = 100;
  ASSERT_EQ(HistoryIds(*db, merchant, "p1", all), (std::vector<std::int64_t>{3, 1}));
  auto damage = [&](const char* sql) {
    auto conn = Connection::Open(path_, {});
    ASSERT_TRUE(conn.ok());
    ASSERT_EQ((*conn)->Exec(sql), Status::Ok());
  };
  auto history_status = [&] {
    return db->RunReadOnly([&](store::Transaction& tx) -> Status {
      return tx.stock_events().ListForProduct(merchant, "p1", 100).status();
    });
  };
  damage("UPDATE stock_events SET prev_event_id = 3 WHERE id = 3");  // a loop
  EXPECT_EQ(history_status().code(), StatusCode::kInternal);
  damage("UPDATE stock_events SET prev_event_id = 2 WHERE id = 3");  // into p2's events
  EXPECT_EQ(history_status().code(), StatusCode::kInternal);
}

TEST_F(SqliteDatabaseTest, SubscriptionsOfOneCustomerShareOneCustomerRow) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  std::vector<model::MerchantId> merchants;
  ASSERT_EQ(db->RunInTransaction([&](store::Transaction& tx) -> Status {
    for (const char* public_id : {"a", "b"}) {
      model::Merchant m;
      m.public_id = public_id;
      RESTOCK_ASSIGN_OR_RETURN(model::Merchant created, tx.merchants().Create(m));
      merchants.push_back(created.id);
    }
    for (model::MerchantId merchant : {merchants[0], merchants[0], merchants[1]}) {
      model::Subscription s;
      s.merchant_id = merchant;
      s.customer_id = "c1";
      s.product_id = "p1";
      RESTOCK_RETURN_IF_ERROR(tx.subscriptions().Create(s).status());
    }
    return Status::Ok();
  }),
            Status::Ok());
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM subscriptions"), 3);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(*) FROM customers"), 2);
  EXPECT_EQ(CountRows(path_, "SELECT COUNT(DISTINCT merchant_id) FROM customers"), 2);
}

// Another connection to `path`, holding the write lock (BEGIN IMMEDIATE); null on failure.
std::unique_ptr<Connection> HoldingTheWriteLock(const std::string& path) {
  auto other = Connection::Open(path, {});
  if (!other.ok() || !(*other)->Exec("BEGIN IMMEDIATE").ok()) return nullptr;
  return std::move(*other);
}

TEST_F(SqliteDatabaseTest, WriteLockHeldElsewhereIsUnavailableAfterRetries) {
  SqliteOptions options;
  options.busy_timeout_ms = 0;
  options.max_attempts = 2;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  auto other = HoldingTheWriteLock(path_);
  ASSERT_NE(other, nullptr);

  // Busy is transient (retry later), not a conflict of the caller's making.
  Status direct = db->RunInTransaction([](store::Transaction&) { return Status::Ok(); });
  EXPECT_EQ(direct, UnavailableError("database busy"));
  EXPECT_EQ(SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); }).get(),
            UnavailableError("database busy"));

  ASSERT_EQ(other->Exec("COMMIT"), Status::Ok());
  EXPECT_EQ(db->RunInTransaction([](store::Transaction&) { return Status::Ok(); }), Status::Ok());
}

TEST_F(SqliteDatabaseTest, BusyWaitIsBoundedByTheBusyTimeoutNotMultipliedByAttempts) {
  SqliteOptions options;
  options.busy_timeout_ms = 200;
  options.max_attempts = 50;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  auto other = HoldingTheWriteLock(path_);
  ASSERT_NE(other, nullptr);

  // 50 attempts of 200 ms each would be 10 s; the timeout bounds the whole wait.
  for (int i = 0; i < 2; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Status status =
        i == 0 ? db->RunInTransaction([](store::Transaction&) { return Status::Ok(); })
               : SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); }).get();
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(status, UnavailableError("database busy"));
    EXPECT_GE(waited, std::chrono::milliseconds(200));
    EXPECT_LT(waited, std::chrono::seconds(3));
  }
  ASSERT_EQ(other->Exec("COMMIT"), Status::Ok());
}

TEST_F(SqliteDatabaseTest, WorksOwnAbortedIsRetriedAndKeptAborted) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  int runs = 0;
  EXPECT_EQ(db->RunInTransaction([&](store::Transaction&) {
    ++runs;
    return AbortedError("conflict");
  }),
            AbortedError("conflict"));
  EXPECT_EQ(runs, SqliteOptions{}.max_attempts);
}

TEST_F(SqliteDatabaseTest, WriteInReadOnlyWorkIsInternal) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  model::Merchant merchant;
  merchant.public_id = "m";
  Status status = db->RunReadOnly(
      [&](store::Transaction& tx) { return tx.merchants().Create(merchant).status(); });
  EXPECT_EQ(status, InternalError("write in a read-only transaction"));
}

TEST_F(SqliteDatabaseTest, GroupsAreCappedAtMaxGroupWorks) {
  SqliteOptions options;
  options.max_group_works = 2;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  std::vector<std::size_t> sizes;  // written on the writer, read after Shutdown joined it
  db->SetGroupObserver([&](std::size_t works) { sizes.push_back(works); });
  HeldWriter held = HoldWriter(*db);
  std::vector<std::future<Status>> done;
  done.reserve(5);
  for (int i = 0; i < 5; ++i) {
    done.push_back(SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); }));
  }
  held.release.set_value();
  for (auto& f : done) EXPECT_EQ(f.get(), Status::Ok());
  db->Shutdown();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 2, 1}));
}

// The checkpointer thread copies the WAL back and the commit after it lets the WAL start over,
// so a steady stream of commits (as placement makes) does not grow the WAL without end.
TEST_F(SqliteDatabaseTest, SteadyCommitsKeepTheWalBounded) {
  SqliteOptions options;
  options.synchronous = "NORMAL";  // only the fsyncs differ; keeps the test quick
  options.wal_autocheckpoint_pages = 8;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  constexpr int kCommits = 300;
  for (int i = 0; i < kCommits; ++i) {
    model::Merchant m;
    m.public_id = "merchant-" + std::to_string(i);
    m.name = std::string(500, 'n');
    auto create = [m](store::Transaction& tx) { return tx.merchants().Create(m).status(); };
    // Both writing connections (the group-commit writer and RunInTransaction's) checkpoint.
    ASSERT_EQ(i % 2 == 0 ? SubmitForStatus(*db, create).get() : db->RunInTransaction(create),
              Status::Ok());
  }
  // Every commit writes at least two pages (the table and its unique index): without
  // checkpoints the WAL would now hold more than kCommits * 2 frames. With them it is started
  // over again and again; the checkpointer may lag (a busy machine), so give it a moment:
  // a few more commits, until the WAL holds fewer frames than the inline fallback's limit.
  std::uint32_t frames = 0;
  for (int extra = 0; extra < 200; ++extra) {
    frames = WalFrames(path_);
    if (frames < 4 * 8) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(SubmitForStatus(*db,
                              [extra](store::Transaction& tx) {
                                model::Merchant m;
                                m.public_id = "extra-" + std::to_string(extra);
                                return tx.merchants().Create(m).status();
                              })
                  .get(),
              Status::Ok());
  }
  EXPECT_LT(frames, 4u * 8u);
  db.reset();
  EXPECT_GE(CountRows(path_, "SELECT COUNT(*) FROM merchants"), kCommits);
}

TEST_F(SqliteDatabaseTest, ReadersBeyondThePoolWaitTheirTurn) {
  SqliteOptions options;
  options.read_connections = 1;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  std::vector<std::future<Status>> reads;
  reads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    reads.push_back(std::async(std::launch::async, [&db] {
      return db->RunReadOnly(
          [](store::Transaction& tx) { return tx.merchants().FindByPublicId("nobody").status(); });
    }));
  }
  for (auto& r : reads) EXPECT_EQ(r.get(), Status::Ok());
}

// Pipelined group commit (wal_syncer.h): with synchronous=FULL a work is completed, and a
// reader returns what it saw, only once the WAL holding it is flushed.
TEST_F(SqliteDatabaseTest, NeitherDoneNorReadersSeeACommitBeforeItsFlush) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> flushes{0};
  SqliteOptions options;
  options.wal_sync_for_test = [&] {
    ++flushes;
    gate.wait();
    return Status::Ok();
  };
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  model::Merchant merchant;
  merchant.public_id = "flushed";
  std::future<Status> done = SubmitForStatus(
      *db, [&](store::Transaction& tx) { return tx.merchants().Create(merchant).status(); });
  std::future<Result<std::optional<model::Merchant>>> read = std::async(std::launch::async, [&] {
    Result<std::optional<model::Merchant>> found = std::optional<model::Merchant>();
    while (true) {  // until the reader's snapshot holds the commit
      Status s = db->RunReadOnly([&](store::Transaction& tx) {
        found = tx.merchants().FindByPublicId("flushed");
        return found.status();
      });
      if (!s.ok() || (found.ok() && found->has_value())) return found;
    }
  });
  EXPECT_EQ(done.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  EXPECT_EQ(read.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  EXPECT_GE(flushes.load(), 1);
  release.set_value();
  EXPECT_EQ(done.get(), Status::Ok());
  auto found = read.get();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->has_value());
}

TEST_F(SqliteDatabaseTest, FailedFlushFailsTheGroupAndEverythingAfter) {
  SqliteOptions options;
  options.wal_sync_for_test = [] { return UnavailableError("fdatasync: I/O error"); };
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  auto ok = [](store::Transaction&) { return Status::Ok(); };
  EXPECT_EQ(SubmitForStatus(*db, ok).get(), UnavailableError("fdatasync: I/O error"));
  EXPECT_EQ(SubmitForStatus(*db, ok).get(), UnavailableError("fdatasync: I/O error"));
  EXPECT_EQ(db->RunReadOnly(ok), UnavailableError("fdatasync: I/O error"));
}

TEST_F(SqliteDatabaseTest, NormalSyncNeverCallsTheFlush) {
  std::atomic<int> flushes{0};
  SqliteOptions options;
  options.synchronous = "NORMAL";
  options.wal_sync_for_test = [&] {
    ++flushes;
    return Status::Ok();
  };
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); }).get(),
            Status::Ok());
  EXPECT_EQ(flushes.load(), 0);
}

}  // namespace
}  // namespace restock::store::sqlite
