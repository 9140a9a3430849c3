#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kFind =
    "SELECT request_hash, status, body FROM idempotency_keys "
    "WHERE merchant_id = ?1 AND key = ?2 AND expires > ?3";
// Writes a row only when the key is new or its entry has expired; the change count tells
// which. The one SQLite writer makes it atomic.
constexpr std::string_view kStore =
    "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status, body, created, "
    "expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (merchant_id, key) DO UPDATE SET request_hash = excluded.request_hash, "
    "status = excluded.status, body = excluded.body, created = excluded.created, "
    "expires = excluded.expires WHERE idempotency_keys.expires <= ?6";
constexpr std::string_view kDeleteExpired =
    "DELETE FROM idempotency_keys WHERE (merchant_id, key) IN "
    "(SELECT merchant_id, key FROM idempotency_keys WHERE expires <= ?1 LIMIT ?2)";

}  // namespace

Result<std::optional<IdempotentResponse>> SqliteIdempotencyRepo::Find(model::MerchantId merchant,
                                                                      std::string_view key,
                                                                      UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kFind));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, key);
  stmt.BindInt64(3, now);
  RESTOCK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<IdempotentResponse>();
  return std::optional<IdempotentResponse>(IdempotentResponse{
      stmt.ColumnText(0), static_cast<int>(stmt.ColumnInt64(1)), stmt.ColumnText(2)});
}

Status SqliteIdempotencyRepo::Store(model::MerchantId merchant, std::string_view key,
                                    const IdempotentResponse& response, UnixMicros now,
                                    UnixMicros expires) {
  if (key.empty() || key.size() > 255) return InvalidArgumentError("key must be 1 to 255 bytes");
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kStore));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, key);
  stmt.BindText(3, response.request_hash);
  stmt.BindInt64(4, response.status);
  stmt.BindText(5, response.body);
  stmt.BindInt64(6, now);
  stmt.BindInt64(7, expires);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return AlreadyExistsError("idempotency key already used");
  return Status::Ok();
}

Result<std::size_t> SqliteIdempotencyRepo::DeleteExpired(UnixMicros now, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteExpired));
  stmt.BindInt64(1, now);
  stmt.BindInt64(2, static_cast<std::int64_t>(limit));
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return static_cast<std::size_t>(conn_.Changes());
}

}  // namespace restock::store::sqlite
