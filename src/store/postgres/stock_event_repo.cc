#include <array>
#include <limits>
#include <optional>
#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// Rows are inserted in array order, so ids increase in append order.
constexpr std::string_view kInsertEvents =
    "INSERT INTO stock_events (merchant_id, product_id, prev_live, live, prev_discontinued, "
    "discontinued, prev_inventory, inventory, source, created) "
    "SELECT u.merchant_id, u.product_id, u.prev_live, u.live, u.prev_discontinued, "
    "u.discontinued, u.prev_inventory, u.inventory, u.source, u.created FROM "
    "unnest($1::bigint[], $2::text[], $3::boolean[], $4::boolean[], $5::boolean[], "
    "$6::boolean[], $7::bigint[], $8::bigint[], $9::text[], $10::bigint[]) WITH ORDINALITY "
    "AS u(merchant_id, product_id, prev_live, live, prev_discontinued, discontinued, "
    "prev_inventory, inventory, source, created, n) ORDER BY u.n";
constexpr std::string_view kSelectEvents =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = $1 AND product_id = $2 "
    "ORDER BY id DESC LIMIT $3";

constexpr std::string_view kSelectOlder =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = $1 AND product_id = $2 "
    "AND id < $4 ORDER BY id DESC LIMIT $3";
constexpr std::string_view kSelectNewer =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created FROM stock_events WHERE merchant_id = $1 AND product_id = $2 "
    "AND id > $4 ORDER BY id LIMIT $3";

// Every merchant's events in an id range (the index on id, migration 14).
constexpr std::string_view kSelectRange =
    "SELECT id, prev_live, live, prev_discontinued, discontinued, prev_inventory, inventory, "
    "source, created, merchant_id, product_id FROM stock_events WHERE id > $1 AND id <= $2 "
    "ORDER BY id LIMIT $3";
constexpr std::string_view kSelectLatestId = "SELECT MAX(id) FROM stock_events";

// Rows [first, last) of `rows` (last -1: to the end), all of (merchant, product_id).
Result<std::vector<model::StockEvent>> ReadEvents(const Rows& rows, int first,
                                                  model::MerchantId merchant,
                                                  std::string_view product_id, int last = -1) {
  if (last < 0) last = first + 1;
  std::vector<model::StockEvent> events;
  events.reserve(static_cast<std::size_t>(last - first));
  for (int r = first; r < last; ++r) {
    model::StockEvent e;
    e.id = rows.Int(r, 0);
    e.merchant_id = merchant;
    e.product_id = std::string(product_id);
    e.previous.live = rows.Bool(r, 1);
    e.current.live = rows.Bool(r, 2);
    e.previous.discontinued = rows.Bool(r, 3);
    e.current.discontinued = rows.Bool(r, 4);
    e.previous.inventory = rows.OptionalInt(r, 5);
    e.current.inventory = rows.OptionalInt(r, 6);
    std::optional<model::StockSource> source = model::ParseStockSource(rows.Text(r, 7));
    if (!source) return InternalError("database error: unknown stock event source stored");
    e.source = *source;
    e.created = rows.Int(r, 8);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace

Status PgStockEventRepo::Append(std::span<const model::StockEvent> events) {
  if (events.empty()) return Status::Ok();
  std::array<ArrayLiteral, 10> a;
  for (const model::StockEvent& e : events) {
    a[0].Int(e.merchant_id);
    a[1].Text(e.product_id);
    a[2].Bool(e.previous.live);
    a[3].Bool(e.current.live);
    a[4].Bool(e.previous.discontinued);
    a[5].Bool(e.current.discontinued);
    a[6].OptionalInt(e.previous.inventory);
    a[7].OptionalInt(e.current.inventory);
    a[8].Text(model::StockSourceName(e.source));
    a[9].Int(e.created);
  }
  Params params;
  for (const ArrayLiteral& column : a) params.Text(column.str());
  return cx_.conn.Query(kInsertEvents, params).status();
}

Result<std::vector<model::StockEvent>> PgStockEventRepo::ListForProduct(
    model::MerchantId merchant, std::string_view product_id, std::size_t limit) {
  Params params;
  params.Int(merchant).Text(product_id).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectEvents, params));
  return ReadEvents(rows, 0, merchant, product_id, rows.size());
}

Result<std::vector<model::StockEvent>> PgStockEventRepo::ListPage(model::MerchantId merchant,
                                                                  std::string_view product_id,
                                                                  const StockEventPage& page) {
  Params params;
  params.Int(merchant).Text(product_id).Int(LimitValue(page.limit));
  params.Int(page.newer_than ? *page.newer_than
                             : page.older_than.value_or(std::numeric_limits<std::int64_t>::max()));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(page.newer_than ? kSelectNewer : kSelectOlder, params));
  return ReadEvents(rows, 0, merchant, product_id, rows.size());
}

Result<std::vector<model::StockEvent>> PgStockEventRepo::ListRange(std::int64_t after,
                                                                   std::int64_t up_to,
                                                                   std::size_t limit) {
  std::vector<model::StockEvent> events;
  if (limit == 0 || up_to <= after) return events;
  Params params;
  params.Int(after).Int(up_to).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectRange, params));
  events.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::StockEvent> one,
                             ReadEvents(rows, r, rows.Int(r, 9), rows.Text(r, 10)));
    events.push_back(std::move(one.front()));
  }
  return events;
}

Result<std::int64_t> PgStockEventRepo::LatestId() {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectLatestId, Params()));
  if (rows.size() == 0) return std::int64_t{0};
  return rows.OptionalInt(0, 0).value_or(0);
}

}  // namespace restock::store::postgres
