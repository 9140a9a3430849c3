#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

constexpr std::string_view kSelectTarget =
    "SELECT url, format, concurrency, timeout_ms, max_retries FROM placement_targets "
    "WHERE merchant_id = $1";
constexpr std::string_view kMerchantExists = "SELECT 1 FROM merchants WHERE id = $1";
constexpr std::string_view kUpsertTarget =
    "INSERT INTO placement_targets (merchant_id, url, format, concurrency, timeout_ms, "
    "max_retries) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (merchant_id) DO UPDATE SET "
    "url = excluded.url, format = excluded.format, concurrency = excluded.concurrency, "
    "timeout_ms = excluded.timeout_ms, max_retries = excluded.max_retries";
constexpr std::string_view kDeleteTarget = "DELETE FROM placement_targets WHERE merchant_id = $1";
constexpr std::string_view kSelectContact =
    "SELECT name, email, locale, shipping, billing, payment_token FROM customers "
    "WHERE merchant_id = $1 AND customer_id = $2";
constexpr std::string_view kUpdateContact =
    "UPDATE customers SET name = $3, email = $4, locale = $5, shipping = $6, billing = $7, "
    "payment_token = $8 WHERE merchant_id = $1 AND customer_id = $2";

constexpr std::string_view kListTargets =
    "SELECT url, format, concurrency, timeout_ms, max_retries, merchant_id "
    "FROM placement_targets ORDER BY merchant_id";

// Reads the target columns (url, format, concurrency, timeout_ms, max_retries) of row `r`.
Result<model::PlacementTarget> ReadTarget(const Rows& rows, int r) {
  model::PlacementTarget target;
  target.url = rows.Text(r, 0);
  auto format = model::ParsePlacementFormat(rows.Text(r, 1));
  if (!format) return InternalError("database error: unknown placement format stored");
  target.format = *format;
  target.concurrency = static_cast<int>(rows.Int(r, 2));
  target.timeout_ms = static_cast<int>(rows.Int(r, 3));
  target.max_retries = static_cast<int>(rows.Int(r, 4));
  return target;
}

}  // namespace

Result<std::vector<std::pair<model::MerchantId, model::PlacementTarget>>>
PgHandoffRepo::ListTargets() {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kListTargets, {}));
  std::vector<std::pair<model::MerchantId, model::PlacementTarget>> out;
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::PlacementTarget target, ReadTarget(rows, r));
    out.emplace_back(rows.Int(r, 5), std::move(target));
  }
  return out;
}

Result<std::optional<model::PlacementTarget>> PgHandoffRepo::FindTarget(
    model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectTarget, Params().Int(merchant)));
  if (rows.size() == 0) return std::optional<model::PlacementTarget>();
  RESTOCK_ASSIGN_OR_RETURN(model::PlacementTarget target, ReadTarget(rows, 0));
  return std::optional<model::PlacementTarget>(std::move(target));
}

Status PgHandoffRepo::SetTarget(model::MerchantId merchant,
                                const std::optional<model::PlacementTarget>& target) {
  RESTOCK_ASSIGN_OR_RETURN(Rows found, cx_.conn.Query(kMerchantExists, Params().Int(merchant)));
  if (found.size() == 0) return NotFoundError("no such merchant");
  if (!target) return cx_.conn.Query(kDeleteTarget, Params().Int(merchant)).status();
  Params p;
  p.Int(merchant).Text(target->url).Text(model::PlacementFormatName(target->format));
  p.Int(target->concurrency).Int(target->timeout_ms).Int(target->max_retries);
  return cx_.conn.Query(kUpsertTarget, p).status();
}

Result<std::optional<model::CustomerContact>> PgHandoffRepo::FindContact(
    model::MerchantId merchant, std::string_view customer_id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kSelectContact, Params().Int(merchant).Text(customer_id)));
  if (rows.size() == 0) return std::optional<model::CustomerContact>();
  model::CustomerContact c;
  c.merchant_id = merchant;
  c.customer_id = std::string(customer_id);
  c.name = rows.Text(0, 0);
  c.email = rows.Text(0, 1);
  c.locale = rows.Text(0, 2);
  RESTOCK_ASSIGN_OR_RETURN(c.shipping, DecodeAddress(rows.Text(0, 3)));
  RESTOCK_ASSIGN_OR_RETURN(c.billing, DecodeAddress(rows.Text(0, 4)));
  c.payment_token = rows.Text(0, 5);
  return std::optional<model::CustomerContact>(std::move(c));
}

Status PgHandoffRepo::SaveContact(const model::CustomerContact& c) {
  std::string shipping = EncodeAddress(c.shipping);
  std::string billing = EncodeAddress(c.billing);
  Params p;
  p.Int(c.merchant_id).Text(c.customer_id).Text(c.name).Text(c.email).Text(c.locale);
  p.Text(shipping).Text(billing).Text(c.payment_token);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kUpdateContact, p));
  if (rows.affected() == 0) return NotFoundError("no such customer");
  return Status::Ok();
}

}  // namespace restock::store::postgres
