#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

constexpr std::string_view kRemember =
    "INSERT INTO seen_signatures (merchant_id, digest, expires) VALUES ($1, $2, $4) "
    "ON CONFLICT (merchant_id, digest) DO UPDATE SET expires = excluded.expires "
    "WHERE seen_signatures.expires <= $3";
constexpr std::string_view kDeleteExpired =
    "DELETE FROM seen_signatures WHERE (merchant_id, digest) IN "
    "(SELECT merchant_id, digest FROM seen_signatures WHERE expires <= $1 LIMIT $2)";

}  // namespace

Result<bool> PgSeenSignatureRepo::Remember(model::MerchantId merchant, std::string_view digest,
                                           UnixMicros now, UnixMicros expires) {
  if (digest.empty() || digest.size() > 128) {
    return InvalidArgumentError("signature digest must be 1 to 128 bytes");
  }
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      cx_.conn.Query(kRemember, Params().Int(merchant).Text(digest).Int(now).Int(expires)));
  return rows.affected() > 0;
}

Result<std::size_t> PgSeenSignatureRepo::DeleteExpired(UnixMicros now, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kDeleteExpired, Params().Int(now).Int(static_cast<std::int64_t>(limit))));
  return static_cast<std::size_t>(rows.affected());
}

}  // namespace restock::store::postgres
