#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>
#include <utility>

#include "store/sqlite/repos.h"

namespace restock::store::sqlite {
namespace {

// A product's events form a chain (migration 7): each names the product's previous event
// and the product row names the newest. Append inserts the event linked to the head and
// moves the head. For a product the work has read, the head is known and its move is
// written with the product's update (chain_heads.h); otherwise the head is read in the
// insert and moved by a second single-row write. OR FAIL, so that no write needs a statement
// journal (see order_repo.cc). A trigger moving the head made every insert keep one, and
// each release of it inside the group writer's savepoint walked the whole sub-journal:
// 1,000-product batches spent 28% of the writer's time there.
constexpr std::string_view kInsertEvent =
    "INSERT OR FAIL INTO stock_events (merchant_id, product_id, prev_event_id, prev_live, live, "
    "prev_discontinued, discontinued, prev_inventory, inventory, source, created) "
    "VALUES (?1, ?2, (SELECT last_event_id FROM products WHERE merchant_id = ?1 AND "
    "product_id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// The same, linked to a head this work already knows (chain_heads.h): ?11 the previous event.
constexpr std::string_view kInsertEventAfter =
    "INSERT OR FAIL INTO stock_events (merchant_id, product_id, prev_event_id, prev_live, live, "
    "prev_discontinued, discontinued, prev_inventory, inventory, source, created) "
    "VALUES (?1, ?2, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kMoveHead =
    "UPDATE OR FAIL products SET last_event_id = ?3 WHERE merchant_id = ?1 AND product_id = ?2";
constexpr std::string_view kSelectHead =
    "SELECT last_event_id FROM products WHERE merchant_id = ?1 AND product_id = ?2";
constexpr std::string_view kSelectEvent =
    "SELECT merchant_id, product_id, prev_event_id, prev_live, live, prev_discontinued, "
    "discontinued, prev_inventory, inventory, source, created FROM stock_events WHERE id = ?1";

constexpr std::string_view kSelectRange =
    "SELECT merchant_id, product_id, prev_event_id, prev_live, live, prev_discontinued, "
    "discontinued, prev_inventory, inventory, source, created, id FROM stock_events "
    "WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3";
constexpr std::string_view kSelectLatestId = "SELECT MAX(id) FROM stock_events";

// Columns 3-10 of kSelectEvent or kSelectRange into `e`.
Status ReadEventColumns(Statement& stmt, model::StockEvent& e) {
  e.previous.live = stmt.ColumnBool(3);
  e.current.live = stmt.ColumnBool(4);
  e.previous.discontinued = stmt.ColumnBool(5);
  e.current.discontinued = stmt.ColumnBool(6);
  e.previous.inventory = stmt.ColumnOptionalInt64(7);
  e.current.inventory = stmt.ColumnOptionalInt64(8);
  std::optional<model::StockSource> source = model::ParseStockSource(stmt.ColumnView(9));
  if (!source) return InternalError("database error: unknown stock event source stored");
  e.source = *source;
  e.created = stmt.ColumnInt64(10);
  return Status::Ok();
}

// Where a product's chain starts: its newest event (none yet: nullopt).
struct Head {
  std::optional<std::int64_t> newest;
};

// The product's head; nullopt when the merchant has no such product. A head this work
// moved is newer than the row's.
Result<std::optional<Head>> ReadHead(Connection& conn, ChainHeads& heads,
                                     model::MerchantId merchant, std::string_view product_id) {
  if (const ChainHeads::Head* known = heads.Find(merchant, product_id)) {
    return std::optional<Head>(Head{known->newest});
  }
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSelectHead));
  stmt.BindInt64(1, merchant);
  stmt.BindText(2, product_id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<Head>();
  return std::optional<Head>(Head{stmt.ColumnOptionalInt64(0)});
}

// One link of a product's chain: the event and the id of the one before it.
struct Link {
  model::StockEvent event;
  std::optional<std::int64_t> prev;
};

// Reads event `id` of (merchant, product_id); nullopt when the product has no such event.
Result<std::optional<Link>> ReadLink(Connection& conn, std::int64_t id, model::MerchantId merchant,
                                     std::string_view product_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(kSelectEvent));
  stmt.BindInt64(1, id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row || stmt.ColumnInt64(0) != merchant || stmt.ColumnView(1) != product_id) {
    return std::optional<Link>();
  }
  Link link;
  model::StockEvent& e = link.event;
  e.id = id;
  e.merchant_id = merchant;
  e.product_id = std::string(product_id);
  link.prev = stmt.ColumnOptionalInt64(2);
  RESTOCK_RETURN_IF_ERROR(ReadEventColumns(stmt, e));
  // Ids only grow along a chain, so a walk always ends.
  if (link.prev && *link.prev >= id)
    return InternalError("database error: stock event chain loops");
  return std::optional<Link>(std::move(link));
}

// Walks the product's events from `from` (an event id; none: the product's newest) to older
// ones, calling `visit` with each until it returns false or the chain ends.
template <typename Visit>
Status Walk(Connection& conn, ChainHeads& heads, model::MerchantId merchant,
            std::string_view product_id, std::optional<std::int64_t> from, Visit&& visit) {
  std::optional<std::int64_t> next = from;
  if (!next) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<Head> head, ReadHead(conn, heads, merchant, product_id));
    if (!head) return Status::Ok();  // no such product: no events
    next = head->newest;
  }
  while (next) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<Link> link, ReadLink(conn, *next, merchant, product_id));
    if (!link) return InternalError("database error: stock event chain is broken");
    next = link->prev;
    if (!visit(std::move(link->event))) break;
  }
  return Status::Ok();
}

}  // namespace

Status SqliteStockEventRepo::Append(std::span<const model::StockEvent> events) {
  // Heads this call moves, with what they were: restored when the unit fails (its rows
  // are undone).
  std::vector<std::pair<ChainHeads::Head*, ChainHeads::Head>> moved;
  Status status = RunAtomically(conn_, 2 * events.size(), [&]() -> Status {
    for (const model::StockEvent& e : events) {
      ChainHeads::Head* head = heads_.Find(e.merchant_id, e.product_id);
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt,
                               conn_.Prepare(head != nullptr ? kInsertEventAfter : kInsertEvent));
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
      if (head != nullptr) stmt.BindOptionalInt64(11, head->newest);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
      if (head != nullptr) {
        // The product exists (this work read it); its row is written later (chain_heads.h).
        moved.emplace_back(head, *head);
        *head = ChainHeads::Head{conn_.LastInsertRowId(), true};
        continue;
      }
      RESTOCK_ASSIGN_OR_RETURN(Statement move, conn_.Prepare(kMoveHead));
      move.BindInt64(1, e.merchant_id);
      move.BindText(2, e.product_id);
      move.BindInt64(3, conn_.LastInsertRowId());
      RESTOCK_RETURN_IF_ERROR(move.Run());
      // Callers append events of products they have just written: a miss is a broken
      // invariant. The failed unit's undo takes the event back out: RunAtomically's
      // savepoint, or in a group the rollback and replay it causes (connection.h).
      if (conn_.Changes() == 0) {
        return InternalError("stock event for a product that does not exist");
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    for (auto it = moved.rbegin(); it != moved.rend(); ++it) *it->first = it->second;
  }
  return status;
}

Status SqliteStockEventRepo::WriteMovedHeads() {
  return RunAtomically(conn_, heads_.moved(), [&]() -> Status {
    return heads_.ForEachMoved([&](model::MerchantId merchant, std::string_view product_id,
                                   std::int64_t newest) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(Statement move, conn_.Prepare(kMoveHead));
      move.BindInt64(1, merchant);
      move.BindText(2, product_id);
      move.BindInt64(3, newest);
      RESTOCK_RETURN_IF_ERROR(move.Run());
      if (conn_.Changes() == 0) {
        return InternalError("stock event for a product that does not exist");
      }
      return Status::Ok();
    });
  });
}

Result<std::vector<model::StockEvent>> SqliteStockEventRepo::ListForProduct(
    model::MerchantId merchant, std::string_view product_id, std::size_t limit) {
  std::vector<model::StockEvent> events;
  if (limit == 0) return events;
  RESTOCK_RETURN_IF_ERROR(
      Walk(conn_, heads_, merchant, product_id, std::nullopt, [&](model::StockEvent e) {
        events.push_back(std::move(e));
        return events.size() < limit;
      }));
  return events;
}

// The chain only leads to older events, so a page newer than an id walks from the newest
// down to it (a cost that grows with the distance from the newest event); a page older than
// an event of the product starts right below it (a cost that does not grow with the depth).
Result<std::vector<model::StockEvent>> SqliteStockEventRepo::ListPage(model::MerchantId merchant,
                                                                      std::string_view product_id,
                                                                      const StockEventPage& page) {
  std::vector<model::StockEvent> events;
  if (page.limit == 0) return events;
  if (page.newer_than) {
    // Oldest first: the `limit` events right above newer_than.
    std::deque<model::StockEvent> window;
    RESTOCK_RETURN_IF_ERROR(
        Walk(conn_, heads_, merchant, product_id, std::nullopt, [&](model::StockEvent e) {
          if (e.id <= *page.newer_than) return false;
          window.push_front(std::move(e));
          if (window.size() > page.limit) window.pop_back();
          return true;
        }));
    events.assign(std::make_move_iterator(window.begin()), std::make_move_iterator(window.end()));
    return events;
  }
  std::optional<std::int64_t> from;
  if (page.older_than) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<Link> cursor,
                             ReadLink(conn_, *page.older_than, merchant, product_id));
    if (cursor && !cursor->prev) return events;  // the product's oldest event
    if (cursor) from = cursor->prev;
  }
  RESTOCK_RETURN_IF_ERROR(Walk(conn_, heads_, merchant, product_id, from, [&](model::StockEvent e) {
    // Only a cursor that is no event of this product is still above: skip down to it.
    if (page.older_than && e.id >= *page.older_than) return true;
    events.push_back(std::move(e));
    return events.size() < page.limit;
  }));
  return events;
}

Result<std::vector<model::StockEvent>> SqliteStockEventRepo::ListRange(std::int64_t after,
                                                                       std::int64_t up_to,
                                                                       std::size_t limit) {
  std::vector<model::StockEvent> events;
  if (limit == 0 || up_to <= after) return events;
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectRange));
  stmt.BindInt64(1, after);
  stmt.BindInt64(2, up_to);
  stmt.BindInt64(3, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    model::StockEvent e;
    e.id = stmt.ColumnInt64(11);
    e.merchant_id = stmt.ColumnInt64(0);
    e.product_id = std::string(stmt.ColumnView(1));
    RESTOCK_RETURN_IF_ERROR(ReadEventColumns(stmt, e));
    events.push_back(std::move(e));
  }
  return events;
}

Result<std::int64_t> SqliteStockEventRepo::LatestId() {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectLatestId));
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::int64_t{0};
  return stmt.ColumnOptionalInt64(0).value_or(0);
}

}  // namespace restock::store::sqlite
