#include <limits>
#include <utility>

#include "store/sqlite/multi_row.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

// SqliteOrderRepo's writes: inserting, updating and deleting orders and their items, one
// at a time or many per statement. The reads are in order_repo.cc.

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kInsertOrder =
    "INSERT INTO orders (merchant_id, customer_id, place_date, status, oos_since, oos_expires, "
    "last_notice_day, placed_on, cancel_reason, created, updated) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kInsertItem =
    "INSERT INTO order_items (merchant_id, order_id, subscription_id, product_id, quantity) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
// order_items has no foreign key (see the migration): inserts nothing without the order.
constexpr std::string_view kAddItem =
    "INSERT OR FAIL INTO order_items (merchant_id, order_id, subscription_id, product_id, quantity) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?2 "
    "AND merchant_id = ?1)";
// Single-row writes say OR FAIL: with the default (ABORT), SQLite opens a statement journal
// for every UPDATE and INSERT … SELECT with a NOT NULL column, copying each page it touches
// first, to undo a half-done multi-row statement. A single row has no half to undo (its
// constraints are checked before anything is written), so FAIL is the same outcome without
// the copies.
// An UPDATE rewrites the entries of every index holding a column it sets, changed or not.
// Placement changes an order's state but not its customer or place date, so Update first
// tries kUpdateOrderState, which leaves orders_by_customer alone and matches only while
// those fields are unchanged, and falls back to kUpdateOrder. Both bind ?1..?12 alike.
constexpr std::string_view kUpdateOrderState =
    "UPDATE OR FAIL orders SET status = ?5, oos_since = ?6, oos_expires = ?7, last_notice_day = ?8, "
    "placed_on = ?9, cancel_reason = ?10, updated = ?12 WHERE id = ?2 AND merchant_id = ?1 "
    "AND customer_id = ?3 AND place_date = ?4 AND created = ?11";
constexpr std::string_view kUpdateOrder =
    "UPDATE OR FAIL orders SET customer_id = ?3, place_date = ?4, status = ?5, oos_since = ?6, "
    "oos_expires = ?7, last_notice_day = ?8, placed_on = ?9, cancel_reason = ?10, "
    "created = ?11, updated = ?12 WHERE id = ?2 AND merchant_id = ?1";
constexpr std::string_view kDeleteItems =
    "DELETE FROM order_items WHERE merchant_id = ?1 AND order_id = ?2";
constexpr std::string_view kDeleteOrder = "DELETE FROM orders WHERE id = ?1";
// InsertMany: the ids SQLite would assign one by one (no AUTOINCREMENT: the largest + 1),
// given explicitly so that one statement can write many orders. OR FAIL as for Insert: the
// rows are checked before anything is written (items of one order are checked in memory).
constexpr std::string_view kSelectLastOrderId = "SELECT MAX(id) FROM orders";
const MultiRowSql& OrderRows() {
  static const MultiRowSql sql(
      "INSERT OR FAIL INTO orders (id, merchant_id, customer_id, place_date, status, oos_since, "
      "oos_expires, last_notice_day, placed_on, cancel_reason, created, updated) VALUES ",
      12, "");
  return sql;
}
const MultiRowSql& ItemRows() {
  static const MultiRowSql sql(
      "INSERT OR FAIL INTO order_items (merchant_id, order_id, subscription_id, product_id, "
      "quantity) VALUES ",
      5, "");
  return sql;
}

// UpdateMany: kUpdateOrderState for many orders at once; the rows are matched by the same
// conditions, and a batch where any does not match falls back to Update() one by one.
const MultiRowSql& OrderStateRows() {
  static const MultiRowSql sql(
      "UPDATE OR FAIL orders SET status = v.column5, oos_since = v.column6, "
      "oos_expires = v.column7, last_notice_day = v.column8, placed_on = v.column9, "
      "cancel_reason = v.column10, updated = v.column12 FROM (VALUES ",
      12,
      ") AS v WHERE orders.id = v.column2 AND orders.merchant_id = v.column1 "
      "AND orders.customer_id = v.column3 AND orders.place_date = v.column4 "
      "AND orders.created = v.column11");
  return sql;
}

// The one way Insert() fails on a valid database: two items of one subscription.
bool HasDuplicateSubscription(const model::Order& order) {
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    for (std::size_t j = i + 1; j < order.items.size(); ++j) {
      if (order.items[i].subscription_id == order.items[j].subscription_id) return true;
    }
  }
  return false;
}

// Binds the columns of kInsertOrder (?2..?11) and kUpdateOrder (?3..?12) from `first` on.
// The texts are bound without a copy: `order` must outlive `stmt`.
void BindOrderFields(Statement& stmt, int first, const model::Order& order) {
  stmt.BindTextStatic(first, order.customer_id);
  BindDate(stmt, first + 1, order.place_date);
  stmt.BindTextStatic(first + 2, model::OrderStatusName(order.status));
  BindOptionalDate(stmt, first + 3, order.oos_since);
  BindOptionalDate(stmt, first + 4, order.oos_expires);
  stmt.BindInt64(first + 5, order.last_notice_day);
  BindOptionalDate(stmt, first + 6, order.placed_on);
  stmt.BindTextStatic(first + 7, order.cancel_reason);
  stmt.BindInt64(first + 8, order.created);
  stmt.BindInt64(first + 9, order.updated);
}

}  // namespace

Status SqliteOrderRepo::InsertItem(std::string_view sql, model::MerchantId merchant,
                                   std::int64_t order_id, const model::OrderItem& item) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(sql));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, order_id);
  stmt.BindInt64(3, item.subscription_id);
  stmt.BindText(4, item.product_id);
  stmt.BindInt64(5, item.quantity);
  Status status = stmt.Run();
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("order already has an item of that subscription");
  }
  return status;
}

Status SqliteOrderRepo::UpdateRow(const model::Order& order) {
  for (std::string_view sql : {kUpdateOrderState, kUpdateOrder}) {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(sql));
    stmt.BindInt64(1, order.merchant_id);
    stmt.BindInt64(2, order.id);
    BindOrderFields(stmt, 3, order);
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
    if (conn_.Changes() != 0) return Status::Ok();
  }
  return NotFoundError("order not found");
}

Status SqliteOrderRepo::DeleteOrder(model::MerchantId merchant, std::int64_t id) {
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteItems));
    stmt.BindInt64(1, merchant);
    stmt.BindInt64(2, id);
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
  }
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteOrder));
  stmt.BindInt64(1, id);
  return stmt.Run();
}

Result<std::int64_t> SqliteOrderRepo::Insert(const model::Order& order) {
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertOrder));
    stmt.BindInt64(1, order.merchant_id);
    BindOrderFields(stmt, 2, order);
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
  }
  std::int64_t id = conn_.LastInsertRowId();
  // Undone by hand rather than through a savepoint: Insert runs once per order in
  // placement, and a savepoint makes SQLite copy every page the order touches.
  for (const model::OrderItem& item : order.items) {
    Status status = InsertItem(kInsertItem, order.merchant_id, id, item);
    if (status.ok()) continue;
    Status undo = DeleteOrder(order.merchant_id, id);
    return undo.ok() ? status : undo;
  }
  return id;
}

Result<std::vector<std::int64_t>> SqliteOrderRepo::InsertMany(
    std::span<const model::Order> orders) {
  std::vector<std::int64_t> ids;
  ids.reserve(orders.size());
  while (!orders.empty()) {
    std::size_t good = 0;
    while (good < orders.size() && !HasDuplicateSubscription(orders[good])) ++good;
    if (good > 0) {
      RESTOCK_ASSIGN_OR_RETURN(std::vector<std::int64_t> written, InsertRows(orders.first(good)));
      ids.insert(ids.end(), written.begin(), written.end());
    }
    if (good < orders.size()) {
      // Fails (and undoes itself) exactly as in a loop over Insert().
      RESTOCK_ASSIGN_OR_RETURN(std::int64_t id, Insert(orders[good]));
      ids.push_back(id);
      ++good;
    }
    orders = orders.subspan(good);
  }
  return ids;
}

Result<std::vector<std::int64_t>> SqliteOrderRepo::InsertRows(
    std::span<const model::Order> orders) {
  std::int64_t last = 0;
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectLastOrderId));
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (has_row && !stmt.ColumnIsNull(0)) last = stmt.ColumnInt64(0);
  }
  const auto count = static_cast<std::int64_t>(orders.size());
  if (last > std::numeric_limits<std::int64_t>::max() - count) {
    // SQLite picks unused ids at random beyond the largest one; let it.
    return OrderRepo::InsertMany(orders);
  }
  std::vector<std::int64_t> ids(orders.size());
  for (std::size_t i = 0; i < orders.size(); ++i) ids[i] = last + 1 + static_cast<std::int64_t>(i);
  RESTOCK_RETURN_IF_ERROR(
      OrderRows()
          .Run(conn_, orders.size(),
               [&](Statement& stmt, int first, std::size_t row) {
                 stmt.BindInt64(first, ids[row]);
                 stmt.BindInt64(first + 1, orders[row].merchant_id);
                 BindOrderFields(stmt, first + 2, orders[row]);
               })
          .status());
  std::vector<std::pair<std::size_t, const model::OrderItem*>> items;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    for (const model::OrderItem& item : orders[i].items) items.emplace_back(i, &item);
  }
  RESTOCK_RETURN_IF_ERROR(ItemRows()
                              .Run(conn_, items.size(),
                                   [&](Statement& stmt, int first, std::size_t row) {
                                     const auto& [order, item] = items[row];
                                     stmt.BindInt64(first, orders[order].merchant_id);
                                     stmt.BindInt64(first + 1, ids[order]);
                                     stmt.BindInt64(first + 2, item->subscription_id);
                                     stmt.BindTextStatic(first + 3, item->product_id);
                                     stmt.BindInt64(first + 4, item->quantity);
                                   })
                              .status());
  return ids;
}

Status SqliteOrderRepo::AddItem(model::MerchantId merchant, std::int64_t order_id,
                                const model::OrderItem& item) {
  RESTOCK_RETURN_IF_ERROR(InsertItem(kAddItem, merchant, order_id, item));
  if (conn_.Changes() == 0) return NotFoundError("order not found");
  return Status::Ok();
}

Status SqliteOrderRepo::Update(const model::Order& order, bool items_changed) {
  if (!items_changed) return UpdateRow(order);
  return RunAtomically(conn_, 2 + order.items.size(), [&]() -> Status {
    RESTOCK_RETURN_IF_ERROR(UpdateRow(order));
    {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDeleteItems));
      stmt.BindInt64(1, order.merchant_id);
      stmt.BindInt64(2, order.id);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
    }
    for (const model::OrderItem& item : order.items) {
      RESTOCK_RETURN_IF_ERROR(InsertItem(kInsertItem, order.merchant_id, order.id, item));
    }
    return Status::Ok();
  });
}

Status SqliteOrderRepo::UpdateMany(std::span<const model::Order> orders) {
  if (orders.size() <= 1) return OrderRepo::UpdateMany(orders);
  auto run = [&](std::string_view sql) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(sql));
    return stmt.Run();
  };
  // One savepoint per batch (not per order) costs a copy of the few pages the batch touches.
  RESTOCK_RETURN_IF_ERROR(run("SAVEPOINT update_many"));
  Result<std::int64_t> changed =
      OrderStateRows().Run(conn_, orders.size(), [&](Statement& stmt, int first, std::size_t row) {
        stmt.BindInt64(first, orders[row].merchant_id);
        stmt.BindInt64(first + 1, orders[row].id);
        BindOrderFields(stmt, first + 2, orders[row]);
      });
  if (changed.ok() && *changed == static_cast<std::int64_t>(orders.size())) {
    return run("RELEASE update_many");
  }
  // A missing order, a changed customer or date, or an order twice: undo, and let the loop
  // give the result (and the error) of one Update() after the other.
  RESTOCK_RETURN_IF_ERROR(conn_.Exec("ROLLBACK TO update_many; RELEASE update_many"));
  return OrderRepo::UpdateMany(orders);
}

}  // namespace restock::store::sqlite
