#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

constexpr std::string_view kFind =
    "SELECT request_hash, status, body FROM idempotency_keys "
    "WHERE merchant_id = $1 AND key = $2 AND expires > $3";
// A concurrent transaction inserting the same key makes this one wait for its end; if it
// committed, the conflicting row is unexpired and nothing is written (AlreadyExists).
constexpr std::string_view kStore =
    "INSERT INTO idempotency_keys (merchant_id, key, request_hash, status, body, created, "
    "expires) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (merchant_id, key) DO UPDATE SET request_hash = excluded.request_hash, "
    "status = excluded.status, body = excluded.body, created = excluded.created, "
    "expires = excluded.expires WHERE idempotency_keys.expires <= $6";
constexpr std::string_view kDeleteExpired =
    "DELETE FROM idempotency_keys WHERE (merchant_id, key) IN "
    "(SELECT merchant_id, key FROM idempotency_keys WHERE expires <= $1 LIMIT $2)";

}  // namespace

Result<std::optional<IdempotentResponse>> PgIdempotencyRepo::Find(model::MerchantId merchant,
                                                                  std::string_view key,
                                                                  UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kFind, Params().Int(merchant).Text(key).Int(now)));
  if (rows.size() == 0) return std::optional<IdempotentResponse>();
  return std::optional<IdempotentResponse>(IdempotentResponse{std::string(rows.Text(0, 0)),
                                                              static_cast<int>(rows.Int(0, 1)),
                                                              std::string(rows.Text(0, 2))});
}

Status PgIdempotencyRepo::Store(model::MerchantId merchant, std::string_view key,
                                const IdempotentResponse& response, UnixMicros now,
                                UnixMicros expires) {
  if (key.empty() || key.size() > 255) return InvalidArgumentError("key must be 1 to 255 bytes");
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kStore, Params()
                                                                 .Int(merchant)
                                                                 .Text(key)
                                                                 .Text(response.request_hash)
                                                                 .Int(response.status)
                                                                 .Text(response.body)
                                                                 .Int(now)
                                                                 .Int(expires)));
  if (rows.affected() == 0) return AlreadyExistsError("idempotency key already used");
  return Status::Ok();
}

Result<std::size_t> PgIdempotencyRepo::DeleteExpired(UnixMicros now, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      cx_.conn.Query(kDeleteExpired, Params().Int(now).Int(static_cast<std::int64_t>(limit))));
  return static_cast<std::size_t>(rows.affected());
}

}  // namespace restock::store::postgres
