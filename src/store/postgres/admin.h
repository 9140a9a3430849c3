// restock::store::postgres — creating and dropping whole databases on a server, for test
// set-ups (each test its own database) and tooling. Not used by restock itself.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace restock::store::postgres {

// `url` with its database name replaced by `database` (the path of a postgresql:// URI).
// InvalidArgument when `url` is not a postgresql:// or postgres:// URI.
Result<std::string> UrlWithDatabase(std::string_view url, std::string_view database);

// CREATE DATABASE / DROP DATABASE IF EXISTS (WITH (FORCE): open connections are cut) through
// a connection to `url`. `database` must be letters, digits and '_' (InvalidArgument else).
Status CreateDatabase(const std::string& url, std::string_view database);
Status DropDatabase(const std::string& url, std::string_view database);

// Cuts every connection to `database` but the caller's own (pg_terminate_backend: the
// server sends them 57P01 and closes them), as a server restart would. Returns how many.
Result<int> TerminateConnections(const std::string& url, std::string_view database);

}  // namespace restock::store::postgres
