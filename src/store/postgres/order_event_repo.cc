#include <array>
#include <optional>

#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// Inserts nothing unless every event's order exists (order_events has no foreign key).
constexpr std::string_view kInsertEvents =
    "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::integer[], "
    "$5::date[], $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], $10::date[]) "
    "WITH ORDINALITY AS u(merchant_id, order_id, type, day_in_flow, date, created, "
    "subscription_id, product_id, quantity, cycle_date, n)), missing AS (SELECT count(*) AS n "
    "FROM u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = u.merchant_id "
    "AND o.id = u.order_id)) INSERT INTO order_events (merchant_id, order_id, type, "
    "day_in_flow, date, created, subscription_id, product_id, quantity, cycle_date) "
    "SELECT merchant_id, order_id, type, day_in_flow, date, created, subscription_id, "
    "product_id, quantity, cycle_date FROM u WHERE (SELECT n FROM missing) = 0 ORDER BY u.n";
constexpr std::string_view kSelectEvents =
    "SELECT id, type, day_in_flow, date, created, subscription_id, product_id, quantity, "
    "cycle_date FROM order_events "
    "WHERE merchant_id = $1 AND order_id = $2 ORDER BY id";

}  // namespace

Status PgOrderEventRepo::Append(std::span<const model::OrderEvent> events) {
  if (events.empty()) return Status::Ok();
  std::array<ArrayLiteral, 10> a;
  for (const model::OrderEvent& e : events) {
    a[0].Int(e.merchant_id);
    a[1].Int(e.order_id);
    a[2].Text(model::OrderEventTypeName(e.type));
    a[3].Int(e.day_in_flow);
    a[4].Date(e.date);
    a[5].Int(e.created);
    a[6].Int(e.subscription_id);
    a[7].Text(e.product_id);
    a[8].Int(e.quantity);
    a[9].OptionalDate(e.cycle_date);
  }
  Params params;
  for (const ArrayLiteral& column : a) params.Text(column.str());
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kInsertEvents, params));
  if (rows.affected() != static_cast<std::int64_t>(events.size())) {
    return InternalError("order of event does not exist");
  }
  return Status::Ok();
}

Result<std::vector<model::OrderEvent>> PgOrderEventRepo::ListForOrder(model::MerchantId merchant,
                                                                      std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectEvents, Params().Int(merchant).Int(order_id)));
  std::vector<model::OrderEvent> events;
  events.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    model::OrderEvent e;
    e.id = rows.Int(r, 0);
    e.merchant_id = merchant;
    e.order_id = order_id;
    std::optional<model::OrderEventType> type = model::ParseOrderEventType(rows.Text(r, 1));
    if (!type) return InternalError("database error: unknown order event type stored");
    e.type = *type;
    e.day_in_flow = static_cast<int>(rows.Int(r, 2));
    RESTOCK_ASSIGN_OR_RETURN(e.date, rows.Date(r, 3));
    e.created = rows.Int(r, 4);
    e.subscription_id = rows.Int(r, 5);
    e.product_id = std::string(rows.Text(r, 6));
    e.quantity = rows.Int(r, 7);
    RESTOCK_ASSIGN_OR_RETURN(e.cycle_date, rows.OptionalDate(r, 8));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace restock::store::postgres
