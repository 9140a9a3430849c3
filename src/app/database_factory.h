// restock::app — opens the database named by --db. The one place that names backends.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/database.h"

namespace restock::app {

struct DatabaseSettings {
  std::string sqlite_synchronous = "FULL";
};

// `url` is a file path, "sqlite:PATH", or a "postgresql://…" URL. InvalidArgument for an
// unsupported scheme; Unavailable when the database cannot be opened.
Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      const DatabaseSettings& settings);

}  // namespace restock::app
