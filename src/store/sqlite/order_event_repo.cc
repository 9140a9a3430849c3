#include <optional>

#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

// order_events has no foreign key (see the migration): inserts nothing without the order.
// OR FAIL: one row, so no statement journal is needed (see order_repo.cc).
constexpr std::string_view kInsertEvent =
    "INSERT OR FAIL INTO order_events (merchant_id, order_id, type, day_in_flow, date, created) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?2 "
    "AND merchant_id = ?1)";
constexpr std::string_view kSelectEvents =
    "SELECT id, type, day_in_flow, date, created FROM order_events "
    "WHERE merchant_id = ?1 AND order_id = ?2 ORDER BY id";

}  // namespace

Status SqliteOrderEventRepo::Append(std::span<const model::OrderEvent> events) {
  return RunAtomically(conn_, events.size(), [&]() -> Status {
    for (const model::OrderEvent& e : events) {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertEvent));
      stmt.BindInt64(1, e.merchant_id);
      stmt.BindInt64(2, e.order_id);
      stmt.BindText(3, model::OrderEventTypeName(e.type));
      stmt.BindInt64(4, e.day_in_flow);
      BindDate(stmt, 5, e.date);
      stmt.BindInt64(6, e.created);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
      if (conn_.Changes() == 0) return InternalError("order of event does not exist");
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
    events.push_back(e);
  }
  return events;
}

}  // namespace restock::store::sqlite
