#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "store/backend.h"
#include "store/postgres/admin.h"
#include "store/postgres/pg_database.h"

namespace restock::store::testing {
namespace {

// One database per instance on the server named by RESTOCK_TEST_PG_URL, dropped with it.
class PostgresBackendInstance final : public BackendInstance {
 public:
  explicit PostgresBackendInstance(std::string server_url) : server_url_(std::move(server_url)) {
    static std::atomic<int> counter{0};
    name_ = "restock_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    create_ = postgres::CreateDatabase(server_url_, name_);
    if (create_.ok()) {
      Result<std::string> url = postgres::UrlWithDatabase(server_url_, name_);
      if (url.ok()) url_ = *url;
      else create_ = url.status();
    }
  }
  ~PostgresBackendInstance() override { (void)postgres::DropDatabase(server_url_, name_); }

  Result<std::unique_ptr<Database>> Open(const Clock& clock) override {
    if (!create_.ok()) return create_;
    postgres::PgOptions options;
    options.clock = &clock;
    Result<std::unique_ptr<postgres::PgDatabase>> db = postgres::PgDatabase::Open(url_, options);
    if (!db.ok()) return db.status();
    return std::unique_ptr<Database>(std::move(db).value());
  }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
  Status create_;
};

}  // namespace

std::optional<std::string> PostgresTestUrl() {
  const char* url = std::getenv("RESTOCK_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::vector<Backend> AllBackends() {
  std::optional<std::string> url = PostgresTestUrl();
  Backend postgres{"Postgres",
                   [url = url.value_or("")] {
                     return std::make_unique<PostgresBackendInstance>(url);
                   },
                   url ? "" : "RESTOCK_TEST_PG_URL not set (scripts/test-postgres sets it)"};
  return {SqliteBackend(), std::move(postgres)};
}

}  // namespace restock::store::testing
