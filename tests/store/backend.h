// The seam of the parameterised storage suite (database_test.cc): one Backend per storage
// implementation. SQLite is always tested; a PostgreSQL backend adds itself to the
// instantiation list when a test server is configured.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace restock::store::testing {

// One empty database for one test. Destroying it drops the database.
// Not thread-safe (used from the test's main thread); owns its storage.
class BackendInstance {
 public:
  virtual ~BackendInstance() = default;
  // Connects to this instance's database, not yet migrated the first time. May be called
  // again after the previous Database was destroyed, to check what was made durable.
  // `clock` stamps rows the model gives no time; it must outlive the Database.
  virtual Result<std::unique_ptr<Database>> Open(const Clock& clock) = 0;
};

struct Backend {
  std::string name;  // a gtest-safe name: letters and digits
  std::function<std::unique_ptr<BackendInstance>()> make;
  // Non-empty when the backend cannot run here (e.g. no test server configured): its tests
  // are still listed, and skip with this reason.
  std::string skip;
};

inline std::ostream& operator<<(std::ostream& os, const Backend& backend) {
  return os << backend.name;
}

// The SQLite backend: a fresh file in a temp dir per instance.
Backend SqliteBackend();

// The PostgreSQL server for tests, from RESTOCK_TEST_PG_URL (a postgresql:// URL of a
// superuser's connection, e.g. from scripts/pg-cluster); nullopt when unset.
std::optional<std::string> PostgresTestUrl();

// Every backend to run the suite on: SQLite, and PostgreSQL (a database created and dropped
// per test) which skips unless RESTOCK_TEST_PG_URL is set. Both are always listed, so test
// discovery at build time sees the PostgreSQL instances that ctest later runs with a server.
std::vector<Backend> AllBackends();

}  // namespace restock::store::testing
