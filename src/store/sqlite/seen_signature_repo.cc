#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

// The upsert writes a row only when the digest is new or its entry has expired; the
// connection's change count then tells which. The one SQLite writer makes it atomic.
constexpr std::string_view kRemember =
    "INSERT INTO seen_signatures (merchant_id, digest, expires) VALUES (?1, ?2, ?4) "
    "ON CONFLICT (merchant_id, digest) DO UPDATE SET expires = excluded.expires "
    "WHERE seen_signatures.expires <= ?3";
constexpr std::string_view kDeleteExpired =
    "DELETE FROM seen_signatures WHERE (merchant_id, digest) IN "
    "(SELECT merchant_id, digest FROM seen_signatures WHERE expires <= ?1 LIMIT ?2)";

}  // namespace

Result<bool> SqliteSeenSignatureRepo::Remember(model::MerchantId merchant,
                                               std::string_view digest, UnixMicros now,
                                               UnixMicros expires) {
  if (digest.empty() || digest.size() > 128) {
    return InvalidArgumentError("signature digest must be 1 to 128 bytes");
  }
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kRemember));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, digest);
  stmt.BindInt64(3, now);
  stmt.BindInt64(4, expires);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Result<std::size_t> SqliteSeenSignatureRepo::DeleteExpired(UnixMicros now, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteExpired));
  stmt.BindInt64(1, now);
  stmt.BindInt64(2, static_cast<std::int64_t>(limit));
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return static_cast<std::size_t>(conn_.Changes());
}

}  // namespace restock::store::sqlite
