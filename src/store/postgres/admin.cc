#include "store/postgres/admin.h"

#include <memory>

#include "store/postgres/connection.h"

namespace restock::store::postgres {
namespace {

bool IsPlainName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

Status RunAdmin(const std::string& url, std::string_view database, const std::string& verb) {
  if (!IsPlainName(database)) return InvalidArgumentError("database name must be [A-Za-z0-9_]+");
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(url));
  // Names cannot be bound as parameters; this one is checked above.
  return conn->Exec(verb + " \"" + std::string(database) + "\"" +
                    (verb.rfind("DROP", 0) == 0 ? " WITH (FORCE)" : ""));
}

}  // namespace

Result<std::string> UrlWithDatabase(std::string_view url, std::string_view database) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos ||
      (url.substr(0, scheme) != "postgresql" && url.substr(0, scheme) != "postgres")) {
    return InvalidArgumentError("not a postgresql:// URL");
  }
  std::size_t query = url.find('?', scheme + 3);
  std::string_view head = url.substr(0, query);
  std::string_view tail = query == std::string_view::npos ? "" : url.substr(query);
  std::size_t slash = head.find('/', scheme + 3);
  std::string result(head.substr(0, slash));
  result += '/';
  result += database;
  result += tail;
  return result;
}

Status CreateDatabase(const std::string& url, std::string_view database) {
  return RunAdmin(url, database, "CREATE DATABASE");
}

Status DropDatabase(const std::string& url, std::string_view database) {
  return RunAdmin(url, database, "DROP DATABASE IF EXISTS");
}

Result<int> TerminateConnections(const std::string& url, std::string_view database) {
  RESTOCK_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(url));
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, conn->Query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                             "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                             Params().Text(database)));
  return static_cast<int>(rows.Int(0, 0));
}

}  // namespace restock::store::postgres
