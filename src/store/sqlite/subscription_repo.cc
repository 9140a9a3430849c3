#include <utility>

#include "store/sqlite/multi_row.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kInsertCustomer =
    "INSERT INTO customers (merchant_id, customer_id, created) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (merchant_id, customer_id) DO NOTHING";
constexpr std::string_view kInsertSubscription =
    "INSERT INTO subscriptions (merchant_id, customer_id, product_id, quantity, every, period, "
    "status, start_date, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr std::string_view kSelectSubscription =
    "SELECT customer_id, product_id, quantity, every, period, status, start_date, created, "
    "updated FROM subscriptions WHERE id = ?2 AND merchant_id = ?1";
constexpr std::string_view kUpdateSubscription =
    "UPDATE subscriptions SET quantity = ?3, every = ?4, period = ?5, status = ?6, updated = ?7 "
    "WHERE id = ?2 AND merchant_id = ?1";

// FindMany: the rows of many ids per statement (multi_row.h), each with its position in the
// request first; the columns of kSelectSubscription follow.
const MultiRowSql& SubscriptionRows() {
  static const MultiRowSql sql(
      "SELECT v.column1, s.customer_id, s.product_id, s.quantity, s.every, s.period, s.status, "
      "s.start_date, s.created, s.updated FROM (VALUES ",
      3,
      ") AS v CROSS JOIN subscriptions AS s ON s.id = v.column3 AND s.merchant_id = v.column2");
  return sql;
}

// Reads the columns of kSelectSubscription (from column `first` on).
Result<model::Subscription> ReadSubscription(const Statement& stmt, model::MerchantId merchant,
                                             std::int64_t id, int first = 0) {
  model::Subscription s;
  s.id = id;
  s.merchant_id = merchant;
  s.customer_id = stmt.ColumnText(first);
  s.product_id = stmt.ColumnText(first + 1);
  s.quantity = stmt.ColumnInt64(first + 2);
  s.frequency.every = static_cast<int>(stmt.ColumnInt64(first + 3));
  std::optional<model::Period> period = model::ParsePeriod(stmt.ColumnView(first + 4));
  if (!period) return InternalError("database error: unknown subscription period stored");
  s.frequency.period = *period;
  std::optional<model::SubscriptionStatus> status =
      model::ParseSubscriptionStatus(stmt.ColumnView(first + 5));
  if (!status) return InternalError("database error: unknown subscription status stored");
  s.status = *status;
  RESTOCK_ASSIGN_OR_RETURN(s.start, ColumnDate(stmt, first + 6));
  s.created = stmt.ColumnInt64(first + 7);
  s.updated = stmt.ColumnInt64(first + 8);
  return s;
}

}  // namespace

Result<std::int64_t> SqliteSubscriptionRepo::Create(const model::Subscription& s) {
  std::int64_t id = 0;
  Status status = RunAtomically(conn_, 2, [&]() -> Status {
    {
      RESTOCK_ASSIGN_OR_RETURN(Statement customer, conn_.Prepare(kInsertCustomer));
      customer.BindInt64(1, s.merchant_id);
      customer.BindText(2, s.customer_id);
      customer.BindInt64(3, s.created);
      RESTOCK_RETURN_IF_ERROR(customer.Run());
    }
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertSubscription));
    stmt.BindInt64(1, s.merchant_id);
    stmt.BindText(2, s.customer_id);
    stmt.BindText(3, s.product_id);
    stmt.BindInt64(4, s.quantity);
    stmt.BindInt64(5, s.frequency.every);
    stmt.BindText(6, model::PeriodName(s.frequency.period));
    stmt.BindText(7, model::SubscriptionStatusName(s.status));
    BindDate(stmt, 8, s.start);
    stmt.BindInt64(9, s.created);
    stmt.BindInt64(10, s.updated);
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
    id = conn_.LastInsertRowId();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return id;
}

Result<std::optional<model::Subscription>> SqliteSubscriptionRepo::Find(model::MerchantId merchant,
                                                                        std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectSubscription));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::Subscription>();
  RESTOCK_ASSIGN_OR_RETURN(model::Subscription s, ReadSubscription(stmt, merchant, id));
  return std::optional<model::Subscription>(std::move(s));
}

Result<std::vector<std::optional<model::Subscription>>> SqliteSubscriptionRepo::FindMany(
    model::MerchantId merchant, std::span<const std::int64_t> ids) {
  // Placement loads a chunk's subscriptions at once: one statement per 64 ids rather than
  // one per id (the per-statement cost was most of each lookup).
  std::vector<std::optional<model::Subscription>> found(ids.size());
  RESTOCK_RETURN_IF_ERROR(SubscriptionRows().Query(
      conn_, ids.size(),
      [&](Statement& stmt, int first, std::size_t row) {
        stmt.BindInt64(first, static_cast<std::int64_t>(row));
        stmt.BindInt64(first + 1, merchant);
        stmt.BindInt64(first + 2, ids[row]);
      },
      [&](const Statement& stmt) -> Status {
        const auto row = static_cast<std::size_t>(stmt.ColumnInt64(0));
        if (row >= ids.size()) return InternalError("database error: bad subscription row");
        RESTOCK_ASSIGN_OR_RETURN(model::Subscription s,
                                 ReadSubscription(stmt, merchant, ids[row], 1));
        found[row] = std::move(s);
        return Status::Ok();
      }));
  return found;
}

Status SqliteSubscriptionRepo::Update(const model::Subscription& s) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpdateSubscription));
  stmt.BindInt64(1, s.merchant_id);
  stmt.BindInt64(2, s.id);
  stmt.BindInt64(3, s.quantity);
  stmt.BindInt64(4, s.frequency.every);
  stmt.BindText(5, model::PeriodName(s.frequency.period));
  stmt.BindText(6, model::SubscriptionStatusName(s.status));
  stmt.BindInt64(7, s.updated);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return NotFoundError("subscription not found");
  return Status::Ok();
}

}  // namespace restock::store::sqlite
