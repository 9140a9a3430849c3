// PgOrderRepo's batch statements (placement's InsertMany / UpdateMany / FindUnsentMany): each
// batch is one set-based statement over unnest()ed column arrays, never a round trip per order.
#include <array>
#include <cstdint>
#include <set>
#include <unordered_set>
#include <utility>

#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// $1 = the number of orders. Their ids are drawn from the orders' identity sequence first
// (sorted, so they increase in batch order as a loop over Insert() would give them), then
// the orders ($2..$12, one array per column) and their items ($13..$17: the order's position
// in the batch, then the item's columns) are written with those ids.
constexpr std::string_view kInsertOrders =
    "WITH ids AS (SELECT array_agg(s.n ORDER BY s.n) AS a FROM (SELECT "
    "nextval(pg_get_serial_sequence('orders', 'id')) AS n FROM generate_series(1, $1::integer)) "
    "AS s), "
    "u AS (SELECT ids.a[u.k] AS id, u.* FROM ids, unnest($2::bigint[], $3::text[], $4::date[], "
    "$5::text[], $6::date[], $7::date[], $8::integer[], $9::date[], $10::text[], $11::bigint[], "
    "$12::bigint[]) WITH ORDINALITY AS u(merchant_id, customer_id, place_date, status, "
    "oos_since, oos_expires, last_notice_day, placed_on, cancel_reason, created, updated, k)), "
    "o AS (INSERT INTO orders (merchant_id, id, customer_id, place_date, status, oos_since, "
    "oos_expires, last_notice_day, placed_on, cancel_reason, created, updated) "
    "SELECT merchant_id, id, customer_id, place_date, status, oos_since, oos_expires, "
    "last_notice_day, placed_on, cancel_reason, created, updated FROM u ORDER BY k), "
    "i AS (INSERT INTO order_items (merchant_id, order_id, subscription_id, product_id, "
    "quantity) SELECT v.m, ids.a[v.k], v.s, v.p, v.q FROM ids, unnest($13::bigint[], "
    "$14::bigint[], $15::bigint[], $16::text[], $17::bigint[]) AS v(k, m, s, p, q)) "
    "SELECT id FROM u ORDER BY k";

// kUpdateOrder (order_repo.cc) for many orders ($1..$12, one array per column). The rows
// after the first order that does not exist are left alone, as a loop stops there; the
// result is that order's position in the batch (NULL when all exist) and the rows changed.
constexpr std::string_view kUpdateOrders =
    "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[], "
    "$5::text[], $6::date[], $7::date[], $8::integer[], $9::date[], $10::text[], $11::bigint[], "
    "$12::bigint[]) WITH ORDINALITY AS u(merchant_id, id, customer_id, place_date, status, "
    "oos_since, oos_expires, last_notice_day, placed_on, cancel_reason, created, updated, k)), "
    "stop AS (SELECT min(u.k) AS k FROM u WHERE NOT EXISTS (SELECT 1 FROM orders AS o "
    "WHERE o.merchant_id = u.merchant_id AND o.id = u.id)), "
    "changed AS (UPDATE orders SET customer_id = u.customer_id, place_date = u.place_date, "
    "status = u.status, oos_since = u.oos_since, oos_expires = u.oos_expires, "
    "last_notice_day = u.last_notice_day, placed_on = u.placed_on, "
    "cancel_reason = u.cancel_reason, created = u.created, updated = u.updated FROM u "
    "WHERE orders.merchant_id = u.merchant_id AND orders.id = u.id "
    "AND u.k < coalesce((SELECT k FROM stop), 9223372036854775807) RETURNING 1) "
    "SELECT (SELECT k FROM stop), (SELECT count(*) FROM changed)";

// kSelectUnsent (order_repo.cc) for every key ($2, $3: customers and dates), each answer with
// its key's position (from 1).
constexpr std::string_view kSelectUnsentMany =
    "SELECT u.k, (SELECT id FROM orders WHERE merchant_id = $1 AND customer_id = u.c "
    "AND place_date = u.d AND status = 'unsent' ORDER BY id LIMIT 1) "
    "FROM unnest($2::text[], $3::date[]) WITH ORDINALITY AS u(c, d, k)";

// The order's own columns (after merchant and id) as arrays, in kUpdateOrder's order.
struct OrderColumns {
  std::array<ArrayLiteral, 10> a;
  void Add(const model::Order& o) {
    a[0].Text(o.customer_id);
    a[1].Date(o.place_date);
    a[2].Text(model::OrderStatusName(o.status));
    a[3].OptionalDate(o.oos_since);
    a[4].OptionalDate(o.oos_expires);
    a[5].Int(o.last_notice_day);
    a[6].OptionalDate(o.placed_on);
    a[7].Text(o.cancel_reason);
    a[8].Int(o.created);
    a[9].Int(o.updated);
  }
  void AppendTo(Params& p) const {
    for (const ArrayLiteral& column : a) p.Text(column.str());
  }
};

bool HasDuplicateSubscription(const model::Order& order) {
  std::unordered_set<std::int64_t> seen;
  for (const model::OrderItem& item : order.items) {
    if (!seen.insert(item.subscription_id).second) return true;
  }
  return false;
}

// One statement for `orders`, none of which has a duplicate subscription.
Result<std::vector<std::int64_t>> InsertRows(Connection& conn,
                                             std::span<const model::Order> orders) {
  ArrayLiteral merchants;
  OrderColumns columns;
  std::array<ArrayLiteral, 5> items;
  for (std::size_t k = 0; k < orders.size(); ++k) {
    const model::Order& o = orders[k];
    merchants.Int(o.merchant_id);
    columns.Add(o);
    for (const model::OrderItem& item : o.items) {
      items[0].Int(static_cast<std::int64_t>(k) + 1);  // arrays and ORDINALITY count from 1
      items[1].Int(o.merchant_id);
      items[2].Int(item.subscription_id);
      items[3].Text(item.product_id);
      items[4].Int(item.quantity);
    }
  }
  Params p;
  p.Int(static_cast<std::int64_t>(orders.size())).Text(merchants.str());
  columns.AppendTo(p);
  for (const ArrayLiteral& column : items) p.Text(column.str());
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, conn.Query(kInsertOrders, p));
  if (rows.size() != static_cast<int>(orders.size())) {
    return InternalError("database error: batch insert returned the wrong number of ids");
  }
  std::vector<std::int64_t> ids;
  ids.reserve(orders.size());
  for (int r = 0; r < rows.size(); ++r) ids.push_back(rows.Int(r, 0));
  return ids;
}

// One statement for `orders`, no order twice.
Status UpdateRows(Connection& conn, std::span<const model::Order> orders) {
  ArrayLiteral merchants, ids;
  OrderColumns columns;
  for (const model::Order& o : orders) {
    merchants.Int(o.merchant_id);
    ids.Int(o.id);
    columns.Add(o);
  }
  Params p;
  p.Text(merchants.str()).Text(ids.str());
  columns.AppendTo(p);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, conn.Query(kUpdateOrders, p));
  if (rows.size() != 1) return InternalError("database error: batch update returned no summary");
  if (!rows.IsNull(0, 0)) return NotFoundError("order not found");
  if (rows.Int(0, 1) != static_cast<std::int64_t>(orders.size())) {
    return InternalError("database error: batch update changed the wrong number of orders");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::int64_t>> PgOrderRepo::InsertMany(std::span<const model::Order> orders) {
  std::size_t good = 0;
  while (good < orders.size() && !HasDuplicateSubscription(orders[good])) ++good;
  std::vector<std::int64_t> ids;
  if (good > 0) {
    RESTOCK_ASSIGN_OR_RETURN(ids, InsertRows(cx_.conn, orders.first(good)));
  }
  // Insert() refuses such an order before writing anything; the loop stops there.
  if (good < orders.size()) return AlreadyExistsError("order already has an item of that subscription");
  return ids;
}

Status PgOrderRepo::UpdateMany(std::span<const model::Order> orders) {
  // Runs of orders without a repeat: an UPDATE … FROM applies one source row per target row,
  // so a repeated order starts the next statement (placement never repeats one).
  while (!orders.empty()) {
    std::set<std::pair<model::MerchantId, std::int64_t>> seen;
    std::size_t run = 0;
    while (run < orders.size() && seen.emplace(orders[run].merchant_id, orders[run].id).second) {
      ++run;
    }
    RESTOCK_RETURN_IF_ERROR(UpdateRows(cx_.conn, orders.first(run)));
    orders = orders.subspan(run);
  }
  return Status::Ok();
}

Result<std::vector<std::optional<std::int64_t>>> PgOrderRepo::FindUnsentMany(
    model::MerchantId merchant, std::span<const UnsentKey> keys) {
  std::vector<std::optional<std::int64_t>> found(keys.size());
  if (keys.empty()) return found;
  ArrayLiteral customers, dates;
  for (const UnsentKey& key : keys) {
    customers.Text(key.customer_id);
    dates.Date(key.date);
  }
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.LockedOrderQuery(merchant, kSelectUnsentMany,
                                      Params().Int(merchant).Text(customers.str()).Text(dates.str())));
  if (rows.size() != static_cast<int>(keys.size())) {
    return InternalError("database error: unsent lookup returned the wrong number of rows");
  }
  for (int r = 0; r < rows.size(); ++r) {
    const std::int64_t k = rows.Int(r, 0);
    if (k < 1 || k > static_cast<std::int64_t>(keys.size())) {
      return InternalError("database error: bad unsent lookup row");
    }
    found[static_cast<std::size_t>(k - 1)] = rows.OptionalInt(r, 1);
  }
  return found;
}

}  // namespace restock::store::postgres
