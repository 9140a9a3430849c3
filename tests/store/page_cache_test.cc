// The page-cache layer that skips truncations which cannot drop a page: its bookkeeping on
// its own, and the layer under real SQLite connections, where a skipped truncation that
// should have happened would leave stale pages behind.
#include "store/sqlite/page_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "store/sqlite/connection.h"
#include "store/temp_dir.h"

namespace restock::store::sqlite {
namespace {

constexpr std::uint32_t kTemporary = 262145;  // the page after the lock byte, 4 KiB pages

TEST(TruncationTrackerTest, EmptyCacheNeedsNoTruncation) {
  TruncationTracker tracker(kTemporary);
  EXPECT_FALSE(tracker.TruncationNeeded(1));
  EXPECT_FALSE(tracker.TruncationNeeded(100));
}

TEST(TruncationTrackerTest, PageAtOrBeyondTheLimitNeedsTruncation) {
  TruncationTracker tracker(kTemporary);
  tracker.OnPresent(7);
  tracker.OnPresent(40);
  EXPECT_TRUE(tracker.TruncationNeeded(40));
  EXPECT_TRUE(tracker.TruncationNeeded(8));
  EXPECT_TRUE(tracker.TruncationNeeded(1));
  EXPECT_FALSE(tracker.TruncationNeeded(41));
}

TEST(TruncationTrackerTest, TruncationForgetsTheDroppedPages) {
  TruncationTracker tracker(kTemporary);
  tracker.OnPresent(40);
  tracker.OnTruncated(21);
  EXPECT_FALSE(tracker.TruncationNeeded(21));
  EXPECT_TRUE(tracker.TruncationNeeded(20));
  tracker.OnTruncated(1);
  EXPECT_FALSE(tracker.TruncationNeeded(1));
}

// B-tree balancing swaps the numbers of two new pages A and B through the temporary number:
// A -> temporary, B -> A's number, A -> B's number. Afterwards nothing sits there.
TEST(TruncationTrackerTest, SwapThroughTheTemporaryPageLeavesNothingBehind) {
  TruncationTracker tracker(kTemporary);
  tracker.OnPresent(30);
  tracker.OnPresent(20);
  tracker.OnMovedAway(30);
  tracker.OnPresent(kTemporary);
  EXPECT_TRUE(tracker.TruncationNeeded(31)) << "a page sits at the temporary number";
  tracker.OnMovedAway(20);
  tracker.OnPresent(30);
  tracker.OnMovedAway(kTemporary);
  tracker.OnPresent(20);
  EXPECT_FALSE(tracker.TruncationNeeded(31));
  EXPECT_TRUE(tracker.TruncationNeeded(30));
}

// A page at the temporary number that SQLite discards (instead of moving it back) is never
// reported as gone: it stays counted until a truncation drops it.
TEST(TruncationTrackerTest, TemporaryPageStaysCountedUntilTruncated) {
  TruncationTracker tracker(kTemporary);
  tracker.OnPresent(kTemporary);
  EXPECT_TRUE(tracker.TruncationNeeded(1000));
  tracker.OnTruncated(kTemporary + 1);
  EXPECT_TRUE(tracker.TruncationNeeded(1000)) << "the limit was above the temporary page";
  tracker.OnTruncated(1000);
  EXPECT_FALSE(tracker.TruncationNeeded(1000));
}

// Moving away from an ordinary number may leave other pages below the old highest: the
// tracker keeps the old highest (an overestimate) rather than guess.
TEST(TruncationTrackerTest, MovingAwayFromAnOrdinaryNumberKeepsItCounted) {
  TruncationTracker tracker(kTemporary);
  tracker.OnPresent(50);
  tracker.OnMovedAway(50);
  tracker.OnPresent(10);
  EXPECT_TRUE(tracker.TruncationNeeded(50));
}

class PageCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> Open() {
    ConnectionOptions options;
    options.cache_kib = std::int64_t{64} * 1024;  // everything stays cached
    auto conn = Connection::Open(path_, options);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  static std::string Text(Connection& conn, const char* sql) {
    auto stmt = conn.Prepare(sql);
    if (!stmt.ok()) return stmt.status().ToString();
    auto row = stmt->Step();
    if (!row.ok()) return row.status().ToString();
    return *row ? std::string(stmt->ColumnText(0)) : "(no row)";
  }

  store::testing::TempDir dir_;
  std::string path_ = dir_.File("cache.db");
};

// Random keys in an index make B-tree splits whose new pages are renumbered through the
// temporary page; the commits after them have nothing beyond the database to drop.
TEST_F(PageCacheTest, CommitsSkipTruncationsThatCannotDropAPage) {
  auto conn = Open();
  ASSERT_NE(conn, nullptr);
  ASSERT_EQ(conn->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, r INTEGER, pad TEXT);"
                       "CREATE INDEX t_r ON t(r)"),
            Status::Ok());
  PageCacheCounters before = ReadPageCacheCounters();
  std::mt19937 random(7);
  for (int tx = 0; tx < 400; ++tx) {
    ASSERT_EQ(conn->Exec("BEGIN"), Status::Ok());
    for (int i = 0; i < 25; ++i) {
      auto insert = conn->Prepare("INSERT INTO t(r, pad) VALUES (?, printf('%.60c', 'x'))");
      ASSERT_TRUE(insert.ok());
      insert->BindInt64(1, static_cast<std::int64_t>(random() % 1000000));
      ASSERT_EQ(insert->Run(), Status::Ok());
    }
    ASSERT_EQ(conn->Exec("COMMIT"), Status::Ok());
  }
  PageCacheCounters after = ReadPageCacheCounters();
  EXPECT_GE(after.truncations_skipped - before.truncations_skipped, 400u);
  EXPECT_EQ(Text(*conn, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(Text(*conn, "SELECT count(*) FROM t"), "10000");
}

// Another connection's commit makes SQLite clear this connection's whole cache (a
// truncation to page 1) before its next read. Skipping that would serve stale pages.
TEST_F(PageCacheTest, ReaderSeesAnotherConnectionsCommit) {
  auto writer = Open();
  auto reader = Open();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(writer->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 5000) INSERT INTO t SELECT i, 'old' FROM n"),
            Status::Ok());
  EXPECT_EQ(Text(*reader, "SELECT group_concat(DISTINCT v) FROM t"), "old");
  PageCacheCounters before = ReadPageCacheCounters();
  ASSERT_EQ(writer->Exec("UPDATE t SET v = 'new'"), Status::Ok());
  EXPECT_EQ(Text(*reader, "SELECT group_concat(DISTINCT v) FROM t"), "new");
  EXPECT_GT(ReadPageCacheCounters().truncations_passed, before.truncations_passed);
}

}  // namespace
}  // namespace restock::store::sqlite
