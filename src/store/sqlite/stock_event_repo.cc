#include <limits>
#include <optional>
#include <utility>

#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kInsertEvent =
    "INSERT INTO stock_events (merchant_id, product_id, prev_live, live, prev_discontinued, "
    "discontinued, prev_inventory, inventory, source, created) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kSelectEvents =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = ?1 AND product_id = ?2 "
    "ORDER BY id DESC LIMIT ?3";

// Both walk stock_events_by_product (merchant_id, product_id, id).
constexpr std::string_view kSelectOlder =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = ?1 AND product_id = ?2 "
    "AND id < ?4 ORDER BY id DESC LIMIT ?3";
constexpr std::string_view kSelectNewer =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = ?1 AND product_id = ?2 "
    "AND id > ?4 ORDER BY id LIMIT ?3";

// Reads the rows of kSelectEvents / kSelectOlder / kSelectNewer.
Result<std::vector<model::StockEvent>> ReadEvents(Statement& stmt, model::MerchantId merchant,
                                                  std::string_view product_id) {
  std::vector<model::StockEvent> events;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    model::StockEvent e;
    e.id = stmt.ColumnInt64(0);
    e.merchant_id = merchant;
    e.product_id = std::string(product_id);
    e.previous.live = stmt.ColumnBool(1);
    e.current.live = stmt.ColumnBool(2);
    e.previous.discontinued = stmt.ColumnBool(3);
    e.current.discontinued = stmt.ColumnBool(4);
    e.previous.inventory = stmt.ColumnOptionalInt64(5);
    e.current.inventory = stmt.ColumnOptionalInt64(6);
    std::optional<model::StockSource> source = model::ParseStockSource(stmt.ColumnView(7));
    if (!source) return InternalError("database error: unknown stock event source stored");
    e.source = *source;
    e.created = stmt.ColumnInt64(8);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace

Status SqliteStockEventRepo::Append(std::span<const model::StockEvent> events) {
  return RunAtomically(conn_, events.size(), [&]() -> Status {
    for (const model::StockEvent& e : events) {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertEvent));
      stmt.BindInt64(1, e.merchant_id);
      stmt.BindText(2, e.product_id);
      stmt.BindBool(3, e.previous.live);
      stmt.BindBool(4, e.current.live);
      stmt.BindBool(5, e.previous.discontinued);
      stmt.BindBool(6, e.current.discontinued);
      stmt.BindOptionalInt64(7, e.previous.inventory);
      stmt.BindOptionalInt64(8, e.current.inventory);
      stmt.BindText(9, model::StockSourceName(e.source));
      stmt.BindInt64(10, e.created);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<model::StockEvent>> SqliteStockEventRepo::ListForProduct(
    model::MerchantId merchant, std::string_view product_id, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectEvents));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, product_id);
  stmt.BindInt64(3, LimitValue(limit));
  return ReadEvents(stmt, merchant, product_id);
}

Result<std::vector<model::StockEvent>> SqliteStockEventRepo::ListPage(
    model::MerchantId merchant, std::string_view product_id, const StockEventPage& page) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt,
                           conn_.Prepare(page.newer_than ? kSelectNewer : kSelectOlder));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, product_id);
  stmt.BindInt64(3, LimitValue(page.limit));
  stmt.BindInt64(4, page.newer_than ? *page.newer_than
                                    : page.older_than.value_or(
                                          std::numeric_limits<std::int64_t>::max()));
  return ReadEvents(stmt, merchant, product_id);
}

}  // namespace restock::store::sqlite
