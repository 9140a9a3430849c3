// Query plans of SQLite queries whose cost must not grow with a table: checked with EXPLAIN
// QUERY PLAN on a migrated database.
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/repos.h"
#include "store/sqlite_fixture.h"

namespace restock::store::sqlite::testing {
namespace {

// Every line of the plan of `sql`, joined by newlines.
std::string PlanOf(const std::string& path, std::string_view sql) {
  auto conn = Connection::Open(path, {});
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return "";
  auto stmt = (*conn)->Prepare("EXPLAIN QUERY PLAN " + std::string(sql));
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  if (!stmt.ok()) return "";
  std::string plan;
  for (;;) {
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    plan += stmt->ColumnText(3) + "\n";
  }
  return plan;
}

// The hand-off's claim reads the due requests in the partial index's order: no temporary
// B-tree sorting every due request to return the first few.
TEST_F(SqliteDatabaseTest, HandoffClaimReadsTheDueIndexInOrder) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  const std::string plan = PlanOf(path_, SqliteHandoffRepo::kSelectDue);
  EXPECT_NE(plan.find("USING INDEX handoff_outbox_due"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace restock::store::sqlite::testing
