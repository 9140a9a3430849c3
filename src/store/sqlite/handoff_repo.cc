#include <utility>

#include "store/columns.h"
#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kSelectTarget =
    "SELECT url, format, concurrency, timeout_ms, max_retries FROM placement_targets "
    "WHERE merchant_id = ?1";
constexpr std::string_view kMerchantExists = "SELECT 1 FROM merchants WHERE id = ?1";
constexpr std::string_view kUpsertTarget =
    "INSERT INTO placement_targets (merchant_id, url, format, concurrency, timeout_ms, "
    "max_retries) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (merchant_id) DO UPDATE SET "
    "url = excluded.url, format = excluded.format, concurrency = excluded.concurrency, "
    "timeout_ms = excluded.timeout_ms, max_retries = excluded.max_retries";
constexpr std::string_view kDeleteTarget = "DELETE FROM placement_targets WHERE merchant_id = ?1";
constexpr std::string_view kSelectContact =
    "SELECT name, email, locale, shipping, billing, payment_token FROM customers "
    "WHERE merchant_id = ?1 AND customer_id = ?2";
constexpr std::string_view kUpdateContact =
    "UPDATE customers SET name = ?3, email = ?4, locale = ?5, shipping = ?6, billing = ?7, "
    "payment_token = ?8 WHERE merchant_id = ?1 AND customer_id = ?2";

constexpr std::string_view kListTargets =
    "SELECT url, format, concurrency, timeout_ms, max_retries, merchant_id "
    "FROM placement_targets ORDER BY merchant_id";

// Reads the target columns (url, format, concurrency, timeout_ms, max_retries) at 0..4.
Result<model::PlacementTarget> ReadTarget(const Statement& stmt) {
  model::PlacementTarget target;
  target.url = stmt.ColumnText(0);
  auto format = model::ParsePlacementFormat(stmt.ColumnView(1));
  if (!format) return InternalError("database error: unknown placement format stored");
  target.format = *format;
  target.concurrency = static_cast<int>(stmt.ColumnInt64(2));
  target.timeout_ms = static_cast<int>(stmt.ColumnInt64(3));
  target.max_retries = static_cast<int>(stmt.ColumnInt64(4));
  return target;
}

}  // namespace

Result<std::vector<std::pair<model::MerchantId, model::PlacementTarget>>>
SqliteHandoffRepo::ListTargets() {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kListTargets));
  std::vector<std::pair<model::MerchantId, model::PlacementTarget>> out;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(model::PlacementTarget target, ReadTarget(stmt));
    out.emplace_back(stmt.ColumnInt64(5), std::move(target));
  }
  return out;
}

Result<std::optional<model::PlacementTarget>> SqliteHandoffRepo::FindTarget(
    model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectTarget));
  stmt.BindInt64(1, merchant);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::PlacementTarget>();
  RESTOCK_ASSIGN_OR_RETURN(model::PlacementTarget target, ReadTarget(stmt));
  return std::optional<model::PlacementTarget>(std::move(target));
}

Status SqliteHandoffRepo::SetTarget(model::MerchantId merchant,
                                    const std::optional<model::PlacementTarget>& target) {
  RESTOCK_ASSIGN_OR_RETURN(Statement exists, conn_.Prepare(kMerchantExists));
  exists.BindInt64(1, merchant);
  RESTOCK_ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) return NotFoundError("no such merchant");
  if (!target) {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteTarget));
    stmt.BindInt64(1, merchant);
    return stmt.Run();
  }
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpsertTarget));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, target->url);
  stmt.BindText(3, model::PlacementFormatName(target->format));
  stmt.BindInt64(4, target->concurrency);
  stmt.BindInt64(5, target->timeout_ms);
  stmt.BindInt64(6, target->max_retries);
  return stmt.Run();
}

Result<std::optional<model::CustomerContact>> SqliteHandoffRepo::FindContact(
    model::MerchantId merchant, std::string_view customer_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectContact));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, customer_id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::CustomerContact>();
  model::CustomerContact c;
  c.merchant_id = merchant;
  c.customer_id = std::string(customer_id);
  c.name = stmt.ColumnText(0);
  c.email = stmt.ColumnText(1);
  c.locale = stmt.ColumnText(2);
  RESTOCK_ASSIGN_OR_RETURN(c.shipping, DecodeAddress(stmt.ColumnView(3)));
  RESTOCK_ASSIGN_OR_RETURN(c.billing, DecodeAddress(stmt.ColumnView(4)));
  c.payment_token = stmt.ColumnText(5);
  return std::optional<model::CustomerContact>(std::move(c));
}

Status SqliteHandoffRepo::SaveContact(const model::CustomerContact& c) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpdateContact));
  stmt.BindInt64(1, c.merchant_id);
  stmt.BindText(2, c.customer_id);
  stmt.BindText(3, c.name);
  stmt.BindText(4, c.email);
  stmt.BindText(5, c.locale);
  stmt.BindText(6, EncodeAddress(c.shipping));
  stmt.BindText(7, EncodeAddress(c.billing));
  stmt.BindText(8, c.payment_token);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return NotFoundError("no such customer");
  return Status::Ok();
}

}  // namespace restock::store::sqlite
