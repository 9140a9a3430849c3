// The seam of the parameterised storage suite (database_test.cc): one Backend per storage
// implementation. SQLite is always tested; a PostgreSQL backend adds itself to the
// instantiation list when a test server is configured.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

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
};

inline std::ostream& operator<<(std::ostream& os, const Backend& backend) {
  return os << backend.name;
}

// The SQLite backend: a fresh file in a temp dir per instance.
Backend SqliteBackend();

}  // namespace restock::store::testing
