#include <array>
#include <limits>
#include <string>
#include <utility>

#include "store/sqlite/multi_row.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

// Every read of orders selects them joined with their items, one row per item (or one row
// with NULL items for an order without any), ordered by order and then subscription;
// ReadOrders() folds the rows. Most select the orders in a subquery, which applies the
// LIMIT to orders rather than to items.
#define RESTOCK_ORDER_COLUMNS                                                        \
  "SELECT o.id, o.customer_id, o.place_date, o.status, o.oos_since, o.oos_expires, " \
  "o.last_notice_day, o.placed_on, o.cancel_reason, o.created, o.updated, "          \
  "i.subscription_id, i.product_id, i.quantity "
#define RESTOCK_ORDER_PAGE_SELECT_FROM RESTOCK_ORDER_COLUMNS "FROM "
#define RESTOCK_ORDER_PAGE_SELECT RESTOCK_ORDER_PAGE_SELECT_FROM "(SELECT * FROM orders "
#define RESTOCK_ORDER_PAGE_JOIN \
  ") AS o LEFT JOIN order_items AS i ON i.merchant_id = o.merchant_id AND i.order_id = o.id "

constexpr std::string_view kSelectOrder = RESTOCK_ORDER_PAGE_SELECT
    "WHERE id = ?2 AND merchant_id = ?1" RESTOCK_ORDER_PAGE_JOIN "ORDER BY i.subscription_id";
// orders_due holds exactly the unsent and out-of-stock orders in id order, so the scan
// never visits the order history; the planner only picks a partial index when the query
// repeats its condition word for word. Placement reads pages of a thousand orders, where
// sorting the page (as the subquery form needs) would double the cost of the read, so it
// first finds the page's last id (an index-only walk) and then joins the range directly:
// that join comes out in (order, subscription) order without a sort.
constexpr std::string_view kSelectPlacementPageEnd =
    "SELECT id FROM orders AS o INDEXED BY orders_due WHERE o.merchant_id = ?1 "
    "AND o.status IN ('unsent', 'out_of_stock') AND o.place_date <= ?2 AND o.id > ?3 "
    "ORDER BY o.id LIMIT 1 OFFSET ?4";
constexpr std::string_view kSelectForPlacement = RESTOCK_ORDER_PAGE_SELECT_FROM
    "orders AS o INDEXED BY orders_due LEFT JOIN order_items AS i "
    "ON i.merchant_id = o.merchant_id AND i.order_id = o.id WHERE o.merchant_id = ?1 "
    "AND o.status IN ('unsent', 'out_of_stock') AND o.place_date <= ?2 AND o.id > ?3 "
    "AND o.id <= ?4 ORDER BY o.id, i.subscription_id";
// The product ids arrive as one JSON array; json_each() turns it into a set once per query.
// Each order's few items are then checked against the set ("+" keeps the planner from
// probing the product index once per product, which a large set would make slow).
constexpr std::string_view kSelectOutOfStockWithProducts = RESTOCK_ORDER_PAGE_SELECT
    "INDEXED BY orders_out_of_stock WHERE merchant_id = ?1 AND status = 'out_of_stock' "
    "AND id > ?3 AND EXISTS (SELECT 1 FROM order_items AS x WHERE x.merchant_id = ?1 "
    "AND x.order_id = orders.id AND +x.product_id IN (SELECT value FROM json_each(?2))) "
    "ORDER BY id LIMIT ?4" RESTOCK_ORDER_PAGE_JOIN "ORDER BY o.id, i.subscription_id";
// orders_by_date would also match, but it holds every order of the day.
constexpr std::string_view kSelectUnsent =
    "SELECT id FROM orders INDEXED BY orders_by_customer WHERE merchant_id = ?1 "
    "AND customer_id = ?2 AND place_date = ?3 AND status = 'unsent' ORDER BY id LIMIT 1";
// Through the subscription's customer rather than an index of items by subscription (one
// more index entry per item written): the customer's orders newest first, where the
// upcoming ones are.
constexpr std::string_view kSelectUnsentWithSubscription = RESTOCK_ORDER_PAGE_SELECT_FROM
    "(SELECT o.* FROM subscriptions AS s CROSS JOIN orders AS o INDEXED BY orders_by_customer "
    "ON o.merchant_id = s.merchant_id AND o.customer_id = s.customer_id "
    "WHERE s.id = ?2 AND s.merchant_id = ?1 AND o.status = 'unsent' AND EXISTS (SELECT 1 "
    "FROM order_items AS x WHERE x.merchant_id = ?1 AND x.order_id = o.id "
    "AND x.subscription_id = ?2) ORDER BY o.place_date DESC, o.id DESC LIMIT "
    "1" RESTOCK_ORDER_PAGE_JOIN "ORDER BY i.subscription_id";
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
// Driven by the product's items (order_items_by_product), then each order by rowid: the
// number of orders ever holding one product is far below the number of due orders.
constexpr std::string_view kSelectUnitsDue =
    "SELECT o.place_date, SUM(i.quantity) FROM order_items AS i "
    "INDEXED BY order_items_by_product CROSS JOIN orders AS o "
    "ON o.id = i.order_id WHERE i.merchant_id = ?1 AND i.product_id = ?2 "
    "AND o.merchant_id = ?1 AND o.status IN ('unsent', 'out_of_stock') "
    "AND o.place_date BETWEEN ?3 AND ?4 GROUP BY o.place_date ORDER BY o.place_date";

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

// FindUnsentMany: kSelectUnsent for many keys, each row with its position in the request.
const MultiRowSql& UnsentRows() {
  static const MultiRowSql sql(
      "SELECT v.column1, (SELECT id FROM orders INDEXED BY orders_by_customer "
      "WHERE merchant_id = v.column2 AND customer_id = v.column3 AND place_date = v.column4 "
      "AND status = 'unsent' ORDER BY id LIMIT 1) FROM (VALUES ",
      4, ") AS v");
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

// What a List call filters on, which decides the index that walks the orders in id order
// (an index that would need the page sorted would sort the whole match on every page).
enum class ListShape {
  kAll,           // orders_by_merchant
  kDate,          // orders_by_date
  kStatus,        // orders_by_merchant, filtering the status: placed orders are most
  kUnsent,        // orders_due: only unsent and out-of-stock orders
  kOutOfStock,    // orders_out_of_stock
  kStatusAndDate  // orders_by_date, filtering the status among one day's orders
};
constexpr std::size_t kListStatements = 12;  // every shape, both directions

ListShape ShapeOf(const OrderFilter& filter) {
  if (!filter.status) return filter.place_date ? ListShape::kDate : ListShape::kAll;
  if (filter.place_date) return ListShape::kStatusAndDate;
  if (*filter.status == model::OrderStatus::kUnsent) return ListShape::kUnsent;
  if (*filter.status == model::OrderStatus::kOutOfStock) return ListShape::kOutOfStock;
  return ListShape::kStatus;
}

// The List statement for `shape` and direction. Parameters: ?1 merchant, ?2 status,
// ?3 place date, ?4 the id bound, ?5 the limit (those a shape does not use stay unbound).
std::string ListSql(ListShape shape, bool backwards) {
  std::string sql = RESTOCK_ORDER_PAGE_SELECT;
  switch (shape) {
    case ListShape::kAll:
      sql += "WHERE merchant_id = ?1";
      break;
    case ListShape::kDate:
      sql += "INDEXED BY orders_by_date WHERE merchant_id = ?1 AND place_date = ?3";
      break;
    case ListShape::kStatus:
      sql += "INDEXED BY orders_by_merchant WHERE merchant_id = ?1 AND status = ?2";
      break;
    case ListShape::kUnsent:
      sql +=
          "INDEXED BY orders_due WHERE merchant_id = ?1 "
          "AND status IN ('unsent', 'out_of_stock') AND status = 'unsent'";
      break;
    case ListShape::kOutOfStock:
      sql += "INDEXED BY orders_out_of_stock WHERE merchant_id = ?1 AND status = 'out_of_stock'";
      break;
    case ListShape::kStatusAndDate:
      sql +=
          "INDEXED BY orders_by_date WHERE merchant_id = ?1 AND place_date = ?3 "
          "AND status = ?2";
      break;
  }
  sql += backwards ? " AND id < ?4 ORDER BY id DESC" : " AND id > ?4 ORDER BY id";
  sql += " LIMIT ?5" RESTOCK_ORDER_PAGE_JOIN "ORDER BY o.id";
  sql += backwards ? " DESC" : "";
  sql += ", i.subscription_id";
  return sql;
}

#undef RESTOCK_ORDER_COLUMNS
#undef RESTOCK_ORDER_PAGE_SELECT_FROM
#undef RESTOCK_ORDER_PAGE_SELECT
#undef RESTOCK_ORDER_PAGE_JOIN

// Built once: the statement cache is keyed by the SQL text.
const std::string& ListStatement(ListShape shape, bool backwards) {
  static const std::array<std::string, kListStatements> kList = [] {
    std::array<std::string, kListStatements> list;
    for (std::size_t i = 0; i < kListStatements; ++i) {
      list[i] = ListSql(static_cast<ListShape>(i / 2), i % 2 == 1);
    }
    return list;
  }();
  return kList[(2 * static_cast<std::size_t>(shape)) + (backwards ? 1 : 0)];
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

// Reads the order columns (0..10) of a page row.
Result<model::Order> ReadOrder(const Statement& stmt, model::MerchantId merchant) {
  model::Order order;
  order.id = stmt.ColumnInt64(0);
  order.merchant_id = merchant;
  order.customer_id = stmt.ColumnText(1);
  RESTOCK_ASSIGN_OR_RETURN(order.place_date, ColumnDate(stmt, 2));
  std::optional<model::OrderStatus> status = model::ParseOrderStatus(stmt.ColumnView(3));
  if (!status) return InternalError("database error: unknown order status stored");
  order.status = *status;
  RESTOCK_ASSIGN_OR_RETURN(order.oos_since, ColumnOptionalDate(stmt, 4));
  RESTOCK_ASSIGN_OR_RETURN(order.oos_expires, ColumnOptionalDate(stmt, 5));
  order.last_notice_day = static_cast<int>(stmt.ColumnInt64(6));
  RESTOCK_ASSIGN_OR_RETURN(order.placed_on, ColumnOptionalDate(stmt, 7));
  order.cancel_reason = stmt.ColumnText(8);
  order.created = stmt.ColumnInt64(9);
  order.updated = stmt.ColumnInt64(10);
  return order;
}

// Steps through a page statement: rows of one order are adjacent.
Result<std::vector<model::Order>> ReadOrders(Statement& stmt, model::MerchantId merchant) {
  std::vector<model::Order> orders;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    if (orders.empty() || orders.back().id != stmt.ColumnInt64(0)) {
      RESTOCK_ASSIGN_OR_RETURN(model::Order order, ReadOrder(stmt, merchant));
      orders.push_back(std::move(order));
    }
    if (stmt.ColumnIsNull(11)) continue;  // an order without items
    model::OrderItem& item = orders.back().items.emplace_back();
    item.subscription_id = stmt.ColumnInt64(11);
    item.product_id = stmt.ColumnText(12);
    item.quantity = stmt.ColumnInt64(13);
  }
  return orders;
}

// A JSON array of strings, for json_each().
std::string JsonArray(std::span<const std::string_view> values) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string json = "[";
  for (std::string_view value : values) {
    if (json.size() > 1) json += ',';
    json += '"';
    for (char c : value) {
      auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        json += '\\';
        json += c;
      } else if (byte < 0x20) {
        json += "\\u00";
        json += kHex[byte >> 4];
        json += kHex[byte & 0xf];
      } else {
        json += c;
      }
    }
    json += '"';
  }
  json += ']';
  return json;
}

}  // namespace

Result<std::optional<model::Order>> SqliteOrderRepo::Find(model::MerchantId merchant,
                                                          std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectOrder));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, id);
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders, ReadOrders(stmt, merchant));
  if (orders.empty()) return std::optional<model::Order>();
  return std::optional<model::Order>(std::move(orders.front()));
}

Result<std::vector<model::Order>> SqliteOrderRepo::ListForPlacement(model::MerchantId merchant,
                                                                    CivilDate date,
                                                                    std::int64_t after_id,
                                                                    std::size_t limit) {
  if (limit == 0) return std::vector<model::Order>();
  // Without a limit-th order, the page ends with the last due order.
  std::int64_t last_id = std::numeric_limits<std::int64_t>::max();
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement end, conn_.Prepare(kSelectPlacementPageEnd));
    end.BindInt64(1, merchant);
    BindDate(end, 2, date);
    end.BindInt64(3, after_id);
    end.BindInt64(4, LimitValue(limit - 1));
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, end.Step());
    if (has_row) last_id = end.ColumnInt64(0);
  }
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectForPlacement));
  stmt.BindInt64(1, merchant);
  BindDate(stmt, 2, date);
  stmt.BindInt64(3, after_id);
  stmt.BindInt64(4, last_id);
  return ReadOrders(stmt, merchant);
}

Result<std::vector<model::Order>> SqliteOrderRepo::ListOutOfStockWithProducts(
    model::MerchantId merchant, std::span<const std::string_view> product_ids,
    std::int64_t after_id, std::size_t limit) {
  if (product_ids.empty()) return std::vector<model::Order>();
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectOutOfStockWithProducts));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, JsonArray(product_ids));
  stmt.BindInt64(3, after_id);
  stmt.BindInt64(4, LimitValue(limit));
  return ReadOrders(stmt, merchant);
}

Result<std::vector<model::Order>> SqliteOrderRepo::List(model::MerchantId merchant,
                                                        const OrderFilter& filter,
                                                        const OrderPage& page) {
  bool backwards = page.before_id.has_value();
  ListShape shape = ShapeOf(filter);
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(ListStatement(shape, backwards)));
  stmt.BindInt64(1, merchant);
  if (shape == ListShape::kStatus || shape == ListShape::kStatusAndDate) {
    stmt.BindText(2, model::OrderStatusName(*filter.status));
  }
  if (filter.place_date) BindDate(stmt, 3, *filter.place_date);
  stmt.BindInt64(4, backwards ? *page.before_id : page.after_id);
  stmt.BindInt64(5, LimitValue(page.limit));
  return ReadOrders(stmt, merchant);
}

Result<std::optional<std::int64_t>> SqliteOrderRepo::FindUnsent(model::MerchantId merchant,
                                                                std::string_view customer_id,
                                                                CivilDate date) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectUnsent));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, customer_id);
  BindDate(stmt, 3, date);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.ColumnInt64(0));
}

Result<std::vector<std::optional<std::int64_t>>> SqliteOrderRepo::FindUnsentMany(
    model::MerchantId merchant, std::span<const UnsentKey> keys) {
  std::vector<std::optional<std::int64_t>> found(keys.size());
  RESTOCK_RETURN_IF_ERROR(UnsentRows().Query(
      conn_, keys.size(),
      [&](Statement& stmt, int first, std::size_t row) {
        stmt.BindInt64(first, static_cast<std::int64_t>(row));
        stmt.BindInt64(first + 1, merchant);
        stmt.BindTextStatic(first + 2, keys[row].customer_id);
        BindDate(stmt, first + 3, keys[row].date);
      },
      [&](const Statement& stmt) -> Status {
        const auto row = static_cast<std::size_t>(stmt.ColumnInt64(0));
        if (row >= keys.size()) return InternalError("database error: bad order row");
        found[row] = stmt.ColumnOptionalInt64(1);
        return Status::Ok();
      }));
  return found;
}

Result<std::optional<model::Order>> SqliteOrderRepo::FindUnsentWithSubscription(
    model::MerchantId merchant, std::int64_t subscription_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectUnsentWithSubscription));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, subscription_id);
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders, ReadOrders(stmt, merchant));
  if (orders.empty()) return std::optional<model::Order>();
  return std::optional<model::Order>(std::move(orders.front()));
}

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

Result<std::vector<std::pair<CivilDate, std::int64_t>>> SqliteOrderRepo::UnitsDue(
    model::MerchantId merchant, std::string_view product_id, CivilDate from, CivilDate to) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectUnitsDue));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, product_id);
  BindDate(stmt, 3, from);
  BindDate(stmt, 4, to);
  std::vector<std::pair<CivilDate, std::int64_t>> units;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(CivilDate date, ColumnDate(stmt, 0));
    units.emplace_back(date, stmt.ColumnInt64(1));
  }
  return units;
}

}  // namespace restock::store::sqlite
