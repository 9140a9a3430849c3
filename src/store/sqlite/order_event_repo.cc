#include <optional>

#include "store/sqlite/multi_row.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

// order_events has no foreign key (see the migration): inserts nothing without the order.
// OR FAIL: the rows are checked before anything is written, so no statement journal is
// needed (see order_repo.cc). Many rows per statement (multi_row.h); VALUES yields them in
// order, so ids increase in append order.
const MultiRowSql& EventRows() {
  static const MultiRowSql sql(
      "INSERT OR FAIL INTO order_events (merchant_id, order_id, type, day_in_flow, date, "
      "created, subscription_id, product_id, quantity, cycle_date) SELECT v.column1, "
      "v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, "
      "v.column10 FROM (VALUES ",
      10,
      ") AS v WHERE EXISTS (SELECT 1 FROM orders WHERE id = v.column2 "
      "AND merchant_id = v.column1)");
  return sql;
}
constexpr std::string_view kSelectEvents =
    "SELECT id, type, day_in_flow, date, created, subscription_id, product_id, quantity, "
    "cycle_date FROM order_events "
    "WHERE merchant_id = ?1 AND order_id = ?2 ORDER BY id";

}  // namespace

Status SqliteOrderEventRepo::Append(std::span<const model::OrderEvent> events) {
  // A statement skips the rows of missing orders: the savepoint undoes the rest of the batch.
  return RunAtomically(conn_, events.size(), [&]() -> Status {
    RESTOCK_ASSIGN_OR_RETURN(
        std::int64_t written,
        EventRows().Run(conn_, events.size(), [&](Statement& stmt, int first, std::size_t row) {
          const model::OrderEvent& e = events[row];
          stmt.BindInt64(first, e.merchant_id);
          stmt.BindInt64(first + 1, e.order_id);
          stmt.BindTextStatic(first + 2, model::OrderEventTypeName(e.type));
          stmt.BindInt64(first + 3, e.day_in_flow);
          BindDate(stmt, first + 4, e.date);
          stmt.BindInt64(first + 5, e.created);
          stmt.BindInt64(first + 6, e.subscription_id);
          stmt.BindTextStatic(first + 7, e.product_id);
          stmt.BindInt64(first + 8, e.quantity);
          BindOptionalDate(stmt, first + 9, e.cycle_date);
        }));
    if (written != static_cast<std::int64_t>(events.size())) {
      return InternalError("order of event does not exist");
    }
    return Status::Ok();
  });
}

Result<std::vector<model::OrderEvent>> SqliteOrderEventRepo::ListForOrder(
    model::MerchantId merchant, std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectEvents));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, order_id);
  std::vector<model::OrderEvent> events;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    model::OrderEvent e;
    e.id = stmt.ColumnInt64(0);
    e.merchant_id = merchant;
    e.order_id = order_id;
    std::optional<model::OrderEventType> type = model::ParseOrderEventType(stmt.ColumnView(1));
    if (!type) return InternalError("database error: unknown order event type stored");
    e.type = *type;
    e.day_in_flow = static_cast<int>(stmt.ColumnInt64(2));
    RESTOCK_ASSIGN_OR_RETURN(e.date, ColumnDate(stmt, 3));
    e.created = stmt.ColumnInt64(4);
    e.subscription_id = stmt.ColumnInt64(5);
    e.product_id = stmt.ColumnText(6);
    e.quantity = stmt.ColumnInt64(7);
    RESTOCK_ASSIGN_OR_RETURN(e.cycle_date, ColumnOptionalDate(stmt, 8));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace restock::store::sqlite
