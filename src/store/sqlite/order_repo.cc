#include <array>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "store/columns.h"
#include "store/sqlite/multi_row.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

// SqliteOrderRepo's reads: orders by id, the placement pages, listings and the demand
// view. The writes are in order_repo_write.cc.

namespace restock::store::sqlite {
namespace {

// Every read of orders selects them joined with their items, one row per item (or one row
// with NULL items for an order without any), ordered by order and then subscription;
// ReadOrders() folds the rows. Most select the orders in a subquery, which applies the
// LIMIT to orders rather than to items.
#define RESTOCK_ORDER_COLUMNS                                                        \
  "SELECT o.id, o.customer_id, o.place_date, o.status, o.oos_since, o.oos_expires, " \
  "o.last_notice_day, o.placed_on, o.cancel_reason, o.created, o.updated, "          \
  "i.subscription_id, i.product_id, i.quantity, o.error_code, o.error_message, "        \
  "o.merchant_order_id, o.placement_attempts "
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
// Driven by the product's items (order_items_by_product), then each order by rowid: the
// number of orders ever holding one product is far below the number of due orders.
constexpr std::string_view kSelectUnitsDue =
    "SELECT o.place_date, SUM(i.quantity) FROM order_items AS i "
    "INDEXED BY order_items_by_product CROSS JOIN orders AS o "
    "ON o.id = i.order_id WHERE i.merchant_id = ?1 AND i.product_id = ?2 "
    "AND o.merchant_id = ?1 AND o.status IN ('unsent', 'out_of_stock') "
    "AND o.place_date BETWEEN ?3 AND ?4 GROUP BY o.place_date ORDER BY o.place_date";

// Held stock: driven by the product's items as kSelectUnitsDue.
constexpr std::string_view kSelectCommitted =
    "SELECT SUM(i.quantity) FROM order_items AS i "
    "INDEXED BY order_items_by_product CROSS JOIN orders AS o "
    "ON o.id = i.order_id WHERE i.merchant_id = ?1 AND i.product_id = ?2 "
    "AND o.merchant_id = ?1 AND o.status IN ('unsent', 'out_of_stock') "
    "AND (o.place_date <= ?3 OR o.status = 'out_of_stock')";
// orders_due holds exactly the unsent and out-of-stock orders (see kSelectForPlacement).
constexpr std::string_view kSelectHeld = RESTOCK_ORDER_PAGE_SELECT_FROM
    "orders AS o INDEXED BY orders_due LEFT JOIN order_items AS i "
    "ON i.merchant_id = o.merchant_id AND i.order_id = o.id WHERE o.merchant_id = ?1 "
    "AND o.status IN ('unsent', 'out_of_stock') "
    "AND (o.place_date <= ?2 OR o.status = 'out_of_stock') ORDER BY o.id, i.subscription_id";
constexpr std::string_view kMarkOosPredicted =
    "UPDATE orders SET oos_predicted = 1 WHERE merchant_id = ?1 AND id = ?2 "
    "AND status = 'unsent' AND oos_predicted = 0";

// FindUnsentMany: kSelectUnsent for many keys, each row with its position in the request.
const MultiRowSql& UnsentRows() {
  static const MultiRowSql sql(
      "SELECT v.column1, (SELECT id FROM orders INDEXED BY orders_by_customer "
      "WHERE merchant_id = v.column2 AND customer_id = v.column3 AND place_date = v.column4 "
      "AND status = 'unsent' ORDER BY id LIMIT 1) FROM (VALUES ",
      4, ") AS v");
  return sql;
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

// Reads the order columns (0..10, and the hand-off's 14..17) of a page row.
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
  order.error_code = stmt.ColumnText(14);
  order.error_message = stmt.ColumnText(15);
  order.merchant_order_id = stmt.ColumnText(16);
  order.placement_attempts = static_cast<int>(stmt.ColumnInt64(17));
  return order;
}

// Steps through a page statement: rows of one order are adjacent. With `unreadable`, an
// order whose columns cannot be read is listed there (its rows skipped) instead of failing.
Result<std::vector<model::Order>> ReadOrders(Statement& stmt, model::MerchantId merchant,
                                             std::vector<UnreadableOrder>* unreadable = nullptr) {
  std::vector<model::Order> orders;
  std::optional<std::int64_t> current;  // the id of the order the rows are about
  bool skipping = false;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    if (stmt.ColumnInt64(0) != current) {
      current = stmt.ColumnInt64(0);
      Result<model::Order> order = ReadOrder(stmt, merchant);
      skipping = !order.ok();
      if (skipping) {
        if (unreadable == nullptr) return order.status();
        unreadable->push_back({*current, std::string(order.status().message())});
        continue;
      }
      orders.push_back(std::move(*order));
    }
    if (skipping || stmt.ColumnIsNull(11)) continue;  // unreadable, or an order without items
    model::OrderItem& item = orders.back().items.emplace_back();
    item.subscription_id = stmt.ColumnInt64(11);
    item.product_id = stmt.ColumnText(12);
    item.quantity = stmt.ColumnInt64(13);
  }
  return orders;
}

Result<PlacementPage> ReadPage(Statement& stmt, model::MerchantId merchant) {
  PlacementPage page;
  RESTOCK_ASSIGN_OR_RETURN(page.orders, ReadOrders(stmt, merchant, &page.unreadable));
  return page;
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

Result<PlacementPage> SqliteOrderRepo::ListForPlacement(model::MerchantId merchant,
                                                        CivilDate date, std::int64_t after_id,
                                                        std::size_t limit) {
  if (limit == 0) return PlacementPage();
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
  return ReadPage(stmt, merchant);
}

Result<PlacementPage> SqliteOrderRepo::ListOutOfStockWithProducts(
    model::MerchantId merchant, std::span<const std::string_view> product_ids,
    std::int64_t after_id, std::size_t limit) {
  if (product_ids.empty()) return PlacementPage();
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectOutOfStockWithProducts));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, JsonArray(product_ids));
  stmt.BindInt64(3, after_id);
  stmt.BindInt64(4, LimitValue(limit));
  return ReadPage(stmt, merchant);
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

Result<std::vector<std::int64_t>> SqliteOrderRepo::CommittedUnits(
    model::MerchantId merchant, std::span<const std::string_view> product_ids, CivilDate through) {
  std::vector<std::int64_t> units;
  units.reserve(product_ids.size());
  for (std::string_view product_id : product_ids) {
    // In-process: a cached statement per product costs less than building one for the set.
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectCommitted));
    stmt.BindInt64(1, merchant);
    stmt.BindText(2, product_id);
    BindDate(stmt, 3, through);
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    units.push_back(has_row ? stmt.ColumnOptionalInt64(0).value_or(0) : 0);
  }
  return units;
}

Result<std::vector<model::Order>> SqliteOrderRepo::ListHeld(model::MerchantId merchant,
                                                            CivilDate through) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectHeld));
  stmt.BindInt64(1, merchant);
  BindDate(stmt, 2, through);
  std::vector<UnreadableOrder> unreadable;  // left out: they cannot be projected
  return ReadOrders(stmt, merchant, &unreadable);
}

Result<bool> SqliteOrderRepo::MarkOosPredicted(model::MerchantId merchant,
                                               std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kMarkOosPredicted));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, order_id);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

}  // namespace restock::store::sqlite
