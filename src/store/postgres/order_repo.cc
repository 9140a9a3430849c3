#include <array>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// Reads of orders select them joined with their items, one row per item (or one row with
// NULL items for an order without any), ordered by order and then subscription; ReadOrders
// folds the rows. The orders are chosen in a subquery, so LIMIT counts orders, not items.
#define RESTOCK_ORDER_SELECT                                                                 \
  "SELECT o.id, o.customer_id, o.place_date, o.status, o.oos_since, o.oos_expires, "         \
  "o.last_notice_day, o.placed_on, o.cancel_reason, o.created, o.updated, i.subscription_id, " \
  "i.product_id, i.quantity, o.error_code, o.error_message, o.merchant_order_id, "            \
  "o.placement_attempts FROM (SELECT * FROM orders "
#define RESTOCK_ORDER_JOIN \
  ") AS o LEFT JOIN order_items AS i ON i.merchant_id = o.merchant_id AND i.order_id = o.id "

constexpr std::string_view kSelectOrder = RESTOCK_ORDER_SELECT
    "WHERE merchant_id = $1 AND id = $2" RESTOCK_ORDER_JOIN "ORDER BY i.subscription_id";
constexpr std::string_view kSelectForPlacement = RESTOCK_ORDER_SELECT
    "WHERE merchant_id = $1 AND status IN ('unsent', 'out_of_stock') AND place_date <= $2 "
    "AND id > $3 ORDER BY id LIMIT $4" RESTOCK_ORDER_JOIN "ORDER BY o.id, i.subscription_id";
constexpr std::string_view kSelectOutOfStockWithProducts = RESTOCK_ORDER_SELECT
    "WHERE merchant_id = $1 AND status = 'out_of_stock' AND id > $3 AND EXISTS (SELECT 1 "
    "FROM order_items AS x WHERE x.merchant_id = $1 AND x.order_id = orders.id "
    "AND x.product_id = ANY($2::text[])) ORDER BY id LIMIT $4" RESTOCK_ORDER_JOIN
    "ORDER BY o.id, i.subscription_id";
constexpr std::string_view kSelectUnsent =
    "SELECT id FROM orders WHERE merchant_id = $1 AND customer_id = $2 AND place_date = $3 "
    "AND status = 'unsent' ORDER BY id LIMIT 1";
constexpr std::string_view kSelectUnsentWithSubscription =
    "SELECT o.id, o.customer_id, o.place_date, o.status, o.oos_since, o.oos_expires, "
    "o.last_notice_day, o.placed_on, o.cancel_reason, o.created, o.updated, i.subscription_id, "
    "i.product_id, i.quantity, o.error_code, o.error_message, o.merchant_order_id, "
    "o.placement_attempts FROM (SELECT o.* FROM subscriptions AS s JOIN orders AS o "
    "ON o.merchant_id = s.merchant_id AND o.customer_id = s.customer_id "
    "WHERE s.merchant_id = $1 AND s.id = $2 AND o.status = 'unsent' AND EXISTS (SELECT 1 "
    "FROM order_items AS x WHERE x.merchant_id = $1 AND x.order_id = o.id "
    "AND x.subscription_id = $2) ORDER BY o.place_date DESC, o.id DESC LIMIT 1" RESTOCK_ORDER_JOIN
    "ORDER BY i.subscription_id";
// The order and its items in one statement ($12..$14: the items' columns as arrays).
constexpr std::string_view kInsertOrder =
    "WITH o AS (INSERT INTO orders (merchant_id, customer_id, place_date, status, oos_since, "
    "oos_expires, last_notice_day, placed_on, cancel_reason, created, updated) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id), "
    "i AS (INSERT INTO order_items (merchant_id, order_id, subscription_id, product_id, "
    "quantity) SELECT $1, o.id, u.s, u.p, u.q FROM o, unnest($12::bigint[], $13::text[], "
    "$14::bigint[]) AS u(s, p, q)) SELECT id FROM o";
// order_items has no foreign key: inserts nothing without the order, nor on a duplicate.
constexpr std::string_view kAddItem =
    "INSERT INTO order_items (merchant_id, order_id, subscription_id, product_id, quantity) "
    "SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 "
    "AND id = $2) ON CONFLICT DO NOTHING";
constexpr std::string_view kOrderExists =
    "SELECT 1 FROM orders WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kUpdateOrder =
    "UPDATE orders SET customer_id = $3, place_date = $4, status = $5, oos_since = $6, "
    "oos_expires = $7, last_notice_day = $8, placed_on = $9, cancel_reason = $10, "
    "created = $11, updated = $12 WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kDeleteItems =
    "DELETE FROM order_items WHERE merchant_id = $1 AND order_id = $2";
constexpr std::string_view kInsertItems =
    "INSERT INTO order_items (merchant_id, order_id, subscription_id, product_id, quantity) "
    "SELECT $1, $2, u.s, u.p, u.q FROM unnest($3::bigint[], $4::text[], $5::bigint[]) "
    "AS u(s, p, q) WHERE EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 AND id = $2)";
constexpr std::string_view kSelectUnitsDue =
    "SELECT o.place_date, SUM(i.quantity) FROM order_items AS i JOIN orders AS o "
    "ON o.merchant_id = i.merchant_id AND o.id = i.order_id WHERE i.merchant_id = $1 "
    "AND i.product_id = $2 AND o.status IN ('unsent', 'out_of_stock') "
    "AND o.place_date BETWEEN $3 AND $4 GROUP BY o.place_date ORDER BY o.place_date";

// Held stock: driven by the products' items as kSelectUnitsDue; one statement for the set.
constexpr std::string_view kSelectCommitted =
    "SELECT i.product_id, SUM(i.quantity) FROM order_items AS i JOIN orders AS o "
    "ON o.merchant_id = i.merchant_id AND o.id = i.order_id WHERE i.merchant_id = $1 "
    "AND i.product_id = ANY($2::text[]) AND o.status IN ('unsent', 'out_of_stock') "
    "AND (o.place_date <= $3 OR o.status = 'out_of_stock') GROUP BY i.product_id";
constexpr std::string_view kSelectHeld = RESTOCK_ORDER_SELECT
    "WHERE merchant_id = $1 AND status IN ('unsent', 'out_of_stock') "
    "AND (place_date <= $2 OR status = 'out_of_stock')" RESTOCK_ORDER_JOIN
    "ORDER BY o.id, i.subscription_id";
// Under READ COMMITTED a second node's update waits for the first's commit, then finds the
// row marked and changes nothing.
constexpr std::string_view kMarkOosPredicted =
    "UPDATE orders SET oos_predicted = true WHERE merchant_id = $1 AND id = $2 "
    "AND status = 'unsent' AND NOT oos_predicted";

// List: the filter decides which parameters exist, so each shape numbers its own.
std::string ListSql(const OrderFilter& filter, bool backwards, Params& params,
                    model::MerchantId merchant, const OrderPage& page) {
  std::string sql = RESTOCK_ORDER_SELECT "WHERE merchant_id = $1";
  params.Int(merchant);
  if (filter.status) {
    params.Text(model::OrderStatusName(*filter.status));
    sql += " AND status = $" + std::to_string(params.size());
  }
  if (filter.place_date) {
    params.Date(*filter.place_date);
    sql += " AND place_date = $" + std::to_string(params.size());
  }
  params.Int(backwards ? *page.before_id : page.after_id);
  sql += (backwards ? " AND id < $" : " AND id > $") + std::to_string(params.size());
  sql += backwards ? " ORDER BY id DESC" : " ORDER BY id";
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  params.Int(static_cast<std::int64_t>(page.limit < kMax ? page.limit : kMax));
  sql += " LIMIT $" + std::to_string(params.size());
  sql += RESTOCK_ORDER_JOIN "ORDER BY o.id";
  sql += backwards ? " DESC" : "";
  sql += ", i.subscription_id";
  return sql;
}

#undef RESTOCK_ORDER_SELECT
#undef RESTOCK_ORDER_JOIN

// $first.. = the order's own columns, in kUpdateOrder's order.
void AddOrderFields(Params& p, const model::Order& order) {
  p.Text(order.customer_id).Date(order.place_date).Text(model::OrderStatusName(order.status));
  p.OptionalDate(order.oos_since).OptionalDate(order.oos_expires).Int(order.last_notice_day);
  p.OptionalDate(order.placed_on).Text(order.cancel_reason).Int(order.created).Int(order.updated);
}

void AddItemArrays(Params& p, const std::vector<model::OrderItem>& items) {
  ArrayLiteral subs, products, quantities;
  for (const model::OrderItem& item : items) {
    subs.Int(item.subscription_id);
    products.Text(item.product_id);
    quantities.Int(item.quantity);
  }
  p.Text(subs.str()).Text(products.str()).Text(quantities.str());
}

bool HasDuplicateSubscriptions(const std::vector<model::OrderItem>& items) {
  std::unordered_set<std::int64_t> seen;
  for (const model::OrderItem& item : items) {
    if (!seen.insert(item.subscription_id).second) return true;
  }
  return false;
}

Result<model::Order> ReadOrder(const Rows& rows, int r, model::MerchantId merchant) {
  model::Order order;
  order.id = rows.Int(r, 0);
  order.merchant_id = merchant;
  order.customer_id = rows.Text(r, 1);
  RESTOCK_ASSIGN_OR_RETURN(order.place_date, rows.Date(r, 2));
  std::optional<model::OrderStatus> status = model::ParseOrderStatus(rows.Text(r, 3));
  if (!status) return InternalError("database error: unknown order status stored");
  order.status = *status;
  RESTOCK_ASSIGN_OR_RETURN(order.oos_since, rows.OptionalDate(r, 4));
  RESTOCK_ASSIGN_OR_RETURN(order.oos_expires, rows.OptionalDate(r, 5));
  order.last_notice_day = static_cast<int>(rows.Int(r, 6));
  RESTOCK_ASSIGN_OR_RETURN(order.placed_on, rows.OptionalDate(r, 7));
  order.cancel_reason = rows.Text(r, 8);
  order.created = rows.Int(r, 9);
  order.updated = rows.Int(r, 10);
  order.error_code = rows.Text(r, 14);
  order.error_message = rows.Text(r, 15);
  order.merchant_order_id = rows.Text(r, 16);
  order.placement_attempts = static_cast<int>(rows.Int(r, 17));
  return order;
}

// Rows of one order are adjacent. With `unreadable`, an order whose columns cannot be read is
// listed there (its rows skipped) instead of failing.
Result<std::vector<model::Order>> ReadOrders(const Rows& rows, model::MerchantId merchant,
                                             std::vector<UnreadableOrder>* unreadable = nullptr) {
  std::vector<model::Order> orders;
  bool skipping = false;
  for (int r = 0; r < rows.size(); ++r) {
    if (r == 0 || rows.Int(r - 1, 0) != rows.Int(r, 0)) {
      Result<model::Order> order = ReadOrder(rows, r, merchant);
      skipping = !order.ok();
      if (skipping) {
        if (unreadable == nullptr) return order.status();
        unreadable->push_back({rows.Int(r, 0), std::string(order.status().message())});
        continue;
      }
      orders.push_back(std::move(*order));
    }
    if (skipping || rows.IsNull(r, 11)) continue;  // unreadable, or an order without items
    model::OrderItem& item = orders.back().items.emplace_back();
    item.subscription_id = rows.Int(r, 11);
    item.product_id = rows.Text(r, 12);
    item.quantity = rows.Int(r, 13);
  }
  return orders;
}

Result<PlacementPage> ReadPage(const Rows& rows, model::MerchantId merchant) {
  PlacementPage page;
  RESTOCK_ASSIGN_OR_RETURN(page.orders, ReadOrders(rows, merchant, &page.unreadable));
  return page;
}

Result<std::optional<model::Order>> First(Result<Rows> rows, model::MerchantId merchant) {
  if (!rows.ok()) return rows.status();
  RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders, ReadOrders(*rows, merchant));
  if (orders.empty()) return std::optional<model::Order>();
  return std::optional<model::Order>(std::move(orders.front()));
}

}  // namespace

Result<std::optional<model::Order>> PgOrderRepo::Find(model::MerchantId merchant, std::int64_t id) {
  return First(cx_.LockedOrderQuery(merchant, kSelectOrder, Params().Int(merchant).Int(id)),
               merchant);
}

Result<PlacementPage> PgOrderRepo::ListForPlacement(model::MerchantId merchant, CivilDate date,
                                                    std::int64_t after_id, std::size_t limit) {
  if (limit == 0) return PlacementPage();
  Params p;
  p.Int(merchant).Date(date).Int(after_id).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.LockedOrderScan(merchant, kSelectForPlacement, p));
  return ReadPage(rows, merchant);
}

Result<PlacementPage> PgOrderRepo::ListOutOfStockWithProducts(
    model::MerchantId merchant, std::span<const std::string_view> product_ids,
    std::int64_t after_id, std::size_t limit) {
  if (product_ids.empty() || limit == 0) return PlacementPage();
  ArrayLiteral ids;
  for (std::string_view id : product_ids) ids.Text(id);
  Params p;
  p.Int(merchant).Text(ids.str()).Int(after_id).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.LockedOrderScan(merchant, kSelectOutOfStockWithProducts, p));
  return ReadPage(rows, merchant);
}

Result<std::vector<model::Order>> PgOrderRepo::List(model::MerchantId merchant,
                                                    const OrderFilter& filter,
                                                    const OrderPage& page) {
  Params p;
  std::string sql = ListSql(filter, page.before_id.has_value(), p, merchant, page);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(sql, p));
  return ReadOrders(rows, merchant);
}

Result<std::optional<std::int64_t>> PgOrderRepo::FindUnsent(model::MerchantId merchant,
                                                            std::string_view customer_id,
                                                            CivilDate date) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.LockedOrderQuery(merchant, kSelectUnsent,
                                      Params().Int(merchant).Text(customer_id).Date(date)));
  if (rows.size() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(rows.Int(0, 0));
}

Result<std::optional<model::Order>> PgOrderRepo::FindUnsentWithSubscription(
    model::MerchantId merchant, std::int64_t subscription_id) {
  return First(cx_.LockedOrderQuery(merchant, kSelectUnsentWithSubscription,
                                    Params().Int(merchant).Int(subscription_id)),
               merchant);
}

Result<std::int64_t> PgOrderRepo::Insert(const model::Order& order) {
  if (HasDuplicateSubscriptions(order.items)) {
    return AlreadyExistsError("order already has an item of that subscription");
  }
  Params p;
  p.Int(order.merchant_id);
  AddOrderFields(p, order);
  AddItemArrays(p, order.items);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kInsertOrder, p));
  return rows.Int(0, 0);
}

Status PgOrderRepo::AddItem(model::MerchantId merchant, std::int64_t order_id,
                            const model::OrderItem& item) {
  Params p;
  p.Int(merchant).Int(order_id).Int(item.subscription_id).Text(item.product_id).Int(item.quantity);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kAddItem, p));
  if (rows.affected() == 1) return Status::Ok();
  RESTOCK_ASSIGN_OR_RETURN(Rows exists, cx_.conn.Query(kOrderExists, Params().Int(merchant).Int(order_id)));
  if (exists.size() == 0) return NotFoundError("order not found");
  return AlreadyExistsError("order already has an item of that subscription");
}

Status PgOrderRepo::Update(const model::Order& order, bool items_changed) {
  Params p;
  p.Int(order.merchant_id).Int(order.id);
  AddOrderFields(p, order);
  if (!items_changed) {
    RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kUpdateOrder, p));
    if (rows.affected() == 0) return NotFoundError("order not found");
    return Status::Ok();
  }
  if (HasDuplicateSubscriptions(order.items)) {
    return AlreadyExistsError("order already has an item of that subscription");
  }
  Params key;
  key.Int(order.merchant_id).Int(order.id);
  Params items = key;
  AddItemArrays(items, order.items);
  // Three statements, one round trip. The item insert checks the order exists, so a missing
  // order changes nothing.
  std::array<Call, 3> calls = {Call{kUpdateOrder, p}, Call{kDeleteItems, key},
                               Call{kInsertItems, items}};
  RESTOCK_ASSIGN_OR_RETURN(std::vector<Rows> rows, cx_.conn.Pipeline(calls));
  if (rows[0].affected() == 0) return NotFoundError("order not found");
  return Status::Ok();
}

Result<std::vector<std::pair<CivilDate, std::int64_t>>> PgOrderRepo::UnitsDue(
    model::MerchantId merchant, std::string_view product_id, CivilDate from, CivilDate to) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      cx_.conn.Query(kSelectUnitsDue, Params().Int(merchant).Text(product_id).Date(from).Date(to)));
  std::vector<std::pair<CivilDate, std::int64_t>> units;
  units.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(CivilDate date, rows.Date(r, 0));
    units.emplace_back(date, rows.Int(r, 1));
  }
  return units;
}

Result<std::vector<std::int64_t>> PgOrderRepo::CommittedUnits(
    model::MerchantId merchant, std::span<const std::string_view> product_ids, CivilDate through) {
  std::vector<std::int64_t> units(product_ids.size(), 0);
  if (product_ids.empty()) return units;
  ArrayLiteral ids;
  for (std::string_view id : product_ids) ids.Text(id);
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      cx_.conn.Query(kSelectCommitted, Params().Int(merchant).Text(ids.str()).Date(through)));
  std::unordered_map<std::string_view, std::int64_t> by_id;
  for (int r = 0; r < rows.size(); ++r) by_id[rows.Text(r, 0)] = rows.Int(r, 1);
  for (std::size_t k = 0; k < product_ids.size(); ++k) {
    if (auto it = by_id.find(product_ids[k]); it != by_id.end()) units[k] = it->second;
  }
  return units;
}

Result<std::vector<model::Order>> PgOrderRepo::ListHeld(model::MerchantId merchant,
                                                        CivilDate through) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kSelectHeld, Params().Int(merchant).Date(through)));
  std::vector<UnreadableOrder> unreadable;  // left out: they cannot be projected
  return ReadOrders(rows, merchant, &unreadable);
}

Result<bool> PgOrderRepo::MarkOosPredicted(model::MerchantId merchant, std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kMarkOosPredicted, Params().Int(merchant).Int(order_id)));
  return rows.affected() > 0;
}

}  // namespace restock::store::postgres
