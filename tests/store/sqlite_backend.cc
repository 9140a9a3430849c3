#include <memory>
#include <utility>

#include "store/backend.h"
#include "store/sqlite/sqlite_database.h"
#include "store/temp_dir.h"

namespace restock::store::testing {
namespace {

class SqliteBackendInstance final : public BackendInstance {
 public:
  Result<std::unique_ptr<Database>> Open(const Clock& clock) override {
    sqlite::SqliteOptions options;
    options.clock = &clock;
    Result<std::unique_ptr<sqlite::SqliteDatabase>> db =
        sqlite::SqliteDatabase::Open(dir_.File("restock.db"), options);
    if (!db.ok()) return db.status();
    return std::unique_ptr<Database>(std::move(db).value());
  }

 private:
  TempDir dir_;
};

}  // namespace

Backend SqliteBackend() {
  return Backend{"Sqlite", [] { return std::make_unique<SqliteBackendInstance>(); }, ""};
}

}  // namespace restock::store::testing
