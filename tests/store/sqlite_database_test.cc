// What only the SQLite backend promises: options, file handling, schema versioning,
// busy handling and the group size cap.
#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/submit_util.h"
#include "store/temp_dir.h"
#include "support/fake_clock.h"

namespace restock::store::sqlite {
namespace {

using store::testing::HeldWriter;
using store::testing::HoldWriter;
using store::testing::SubmitForStatus;
using store::testing::TempDir;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDatabase> OpenMigrated(SqliteOptions options = {}) {
    options.clock = &clock_;
    auto db = SqliteDatabase::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return nullptr;
    EXPECT_EQ((*db)->Migrate(), Status::Ok());
    return std::move(db).value();
  }

  restock::testing::FakeClock clock_;
  TempDir dir_;
  std::string path_ = dir_.File("restock.db");
};

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
}

TEST_F(SqliteDatabaseTest, OpenInMissingDirectoryIsUnavailable) {
  auto db = SqliteDatabase::Open(dir_.File("no/such/dir/restock.db"), {});
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
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

TEST_F(SqliteDatabaseTest, WriteLockHeldElsewhereIsAbortedAfterRetries) {
  SqliteOptions options;
  options.busy_timeout_ms = 0;
  options.max_attempts = 2;
  auto db = OpenMigrated(options);
  ASSERT_NE(db, nullptr);
  auto other = Connection::Open(path_, {});
  ASSERT_TRUE(other.ok());
  ASSERT_EQ((*other)->Exec("BEGIN IMMEDIATE"), Status::Ok());

  Status direct = db->RunInTransaction([](store::Transaction&) { return Status::Ok(); });
  EXPECT_EQ(direct, AbortedError("database busy"));
  EXPECT_EQ(SubmitForStatus(*db, [](store::Transaction&) { return Status::Ok(); }).get(),
            AbortedError("database busy"));

  ASSERT_EQ((*other)->Exec("COMMIT"), Status::Ok());
  EXPECT_EQ(db->RunInTransaction([](store::Transaction&) { return Status::Ok(); }), Status::Ok());
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

}  // namespace
}  // namespace restock::store::sqlite
