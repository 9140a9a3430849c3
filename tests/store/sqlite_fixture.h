// The fixture and helpers shared by the SQLite-only tests (sqlite_database_test.cc,
// chain_heads_test.cc): a migrated database in a temporary directory, and reads of it that
// bypass the repositories.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_database.h"
#include "store/temp_dir.h"
#include "support/fake_clock.h"

namespace restock::store::sqlite::testing {

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

  // Creates merchant "m" with products `product_ids`; returns the merchant's id.
  model::MerchantId CreateMerchantWithProducts(SqliteDatabase& db,
                                               const std::vector<std::string>& product_ids) {
    model::MerchantId merchant = 0;
    EXPECT_EQ(db.RunInTransaction([&](store::Transaction& tx) -> Status {
      model::Merchant m;
      m.public_id = "m";
      m.hash_key = "k";
      RESTOCK_ASSIGN_OR_RETURN(model::Merchant created, tx.merchants().Create(m));
      merchant = created.id;
      std::vector<model::Product> products(product_ids.size());
      for (std::size_t i = 0; i < product_ids.size(); ++i) {
        products[i].product_id = product_ids[i];
      }
      return tx.products().Insert(merchant, products);
    }),
              Status::Ok());
    return merchant;
  }

  restock::testing::FakeClock clock_;
  store::testing::TempDir dir_;
  std::string path_ = dir_.File("restock.db");
};

// The first column of the first row `sql` returns, read on a connection of its own.
inline std::int64_t CountRows(const std::string& path, const char* sql) {
  auto conn = Connection::Open(path, {});
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return -1;
  auto stmt = (*conn)->Prepare(sql);
  EXPECT_TRUE(stmt.ok());
  if (!stmt.ok()) return -1;
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt->ColumnInt64(0);
}

// Event ids of one product's history, newest first, through the repository.
inline std::vector<std::int64_t> HistoryIds(store::Database& db, model::MerchantId merchant,
                                            const std::string& product_id,
                                            const StockEventPage& page) {
  std::vector<std::int64_t> ids;
  EXPECT_EQ(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto events, tx.stock_events().ListPage(merchant, product_id, page));
    for (const auto& e : events) ids.push_back(e.id);
    return Status::Ok();
  }),
            Status::Ok());
  return ids;
}

}  // namespace restock::store::sqlite::testing
