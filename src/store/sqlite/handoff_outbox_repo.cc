// SqliteHandoffRepo: the hand-off outbox and the outcome on orders (the targets and contacts
// are in handoff_repo.cc).
#include <algorithm>
#include <limits>
#include <utility>

#include "store/columns.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

// next_attempt_at of a request waiting for the next placement run.
constexpr std::int64_t kWaitsForRun = std::numeric_limits<std::int64_t>::max();

constexpr std::string_view kEnqueue =
    "INSERT INTO handoff_outbox (merchant_id, order_id, sequence, status, retries, give_up_on, "
    "next_attempt_at, created) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, 0, ?6)";
constexpr std::string_view kLease =
    "UPDATE handoff_outbox SET lease_token = ?2, next_attempt_at = ?3, claimed = ?4 "
    "WHERE id = ?1";
constexpr std::string_view kComplete =
    "UPDATE handoff_outbox SET status = 'done', lease_token = NULL, completed = ?3 "
    "WHERE id = ?1 AND lease_token = ?2 AND status = 'pending'";
constexpr std::string_view kDefer =
    "UPDATE handoff_outbox SET next_attempt_at = ?4, retries = ?3, lease_token = NULL "
    "WHERE id = ?1 AND lease_token = ?2 AND status = 'pending'";
constexpr std::string_view kRelease =
    "UPDATE handoff_outbox SET next_attempt_at = 0, lease_token = NULL "
    "WHERE id = ?1 AND lease_token = ?2 AND status = 'pending'";
constexpr std::string_view kMakeDue =
    "UPDATE handoff_outbox SET next_attempt_at = ?2 WHERE merchant_id = ?1 "
    "AND status = 'pending' AND next_attempt_at = ?3";
constexpr std::string_view kCountPending =
    "SELECT count(*) FROM handoff_outbox WHERE status = 'pending'";
constexpr std::string_view kCountDue =
    "SELECT count(*) FROM handoff_outbox WHERE merchant_id = ?1 AND status = 'pending' "
    "AND next_attempt_at <= ?2";
constexpr std::string_view kLastSequence =
    "SELECT COALESCE(MAX(sequence), 0) FROM handoff_outbox WHERE merchant_id = ?1 "
    "AND order_id = ?2";
constexpr std::string_view kSaveOutcome =
    "UPDATE orders SET error_code = ?3, error_message = ?4, merchant_order_id = ?5, "
    "placement_attempts = ?6 WHERE merchant_id = ?1 AND id = ?2";

Result<std::int64_t> CountOne(Statement& stmt) {
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("database error: count returned no row");
  return stmt.ColumnInt64(0);
}

}  // namespace

const std::string_view SqliteHandoffRepo::kSelectDue =
    "SELECT id, order_id, sequence, retries, give_up_on, created FROM handoff_outbox "
    "WHERE merchant_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2 "
    "ORDER BY next_attempt_at, id LIMIT ?3";

Status SqliteHandoffRepo::Enqueue(std::span<const model::HandoffRequest> requests) {
  for (const model::HandoffRequest& r : requests) {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kEnqueue));
    stmt.BindInt64(1, r.merchant_id);
    stmt.BindInt64(2, r.order_id);
    stmt.BindInt64(3, r.sequence);
    stmt.BindInt64(4, r.retries);
    BindDate(stmt, 5, r.give_up_on);
    stmt.BindInt64(6, r.created);
    RESTOCK_RETURN_IF_ERROR(DescribeDuplicate(stmt.Run(), "hand-off request already queued"));
  }
  return Status::Ok();
}

Result<std::vector<model::HandoffRequest>> SqliteHandoffRepo::Claim(model::MerchantId merchant,
                                                                    UnixMicros now,
                                                                    std::string_view token,
                                                                    UnixMicros lease_until,
                                                                    std::size_t limit) {
  std::vector<model::HandoffRequest> claimed;
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectDue));
    stmt.BindInt64(1, merchant);
    stmt.BindInt64(2, now);
    stmt.BindInt64(3, LimitValue(limit));
    for (;;) {
      RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) break;
      model::HandoffRequest r;
      r.id = stmt.ColumnInt64(0);
      r.merchant_id = merchant;
      r.order_id = stmt.ColumnInt64(1);
      r.sequence = static_cast<int>(stmt.ColumnInt64(2));
      r.retries = static_cast<int>(stmt.ColumnInt64(3));
      RESTOCK_ASSIGN_OR_RETURN(r.give_up_on, ColumnDate(stmt, 4));
      r.created = stmt.ColumnInt64(5);
      claimed.push_back(std::move(r));
    }
  }
  for (const model::HandoffRequest& r : claimed) {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kLease));
    stmt.BindInt64(1, r.id);
    stmt.BindText(2, token);
    stmt.BindInt64(3, lease_until);
    stmt.BindInt64(4, now);
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
  }
  std::sort(claimed.begin(), claimed.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  return claimed;
}

Result<bool> SqliteHandoffRepo::Complete(std::int64_t id, std::string_view token,
                                         UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kComplete));
  stmt.BindInt64(1, id);
  stmt.BindText(2, token);
  stmt.BindInt64(3, now);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Result<bool> SqliteHandoffRepo::Defer(std::int64_t id, std::string_view token, int retries) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kDefer));
  stmt.BindInt64(1, id);
  stmt.BindText(2, token);
  stmt.BindInt64(3, retries);
  stmt.BindInt64(4, kWaitsForRun);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Result<bool> SqliteHandoffRepo::Release(std::int64_t id, std::string_view token) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kRelease));
  stmt.BindInt64(1, id);
  stmt.BindText(2, token);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Result<std::size_t> SqliteHandoffRepo::MakeDue(model::MerchantId merchant, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kMakeDue));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, now);
  stmt.BindInt64(3, kWaitsForRun);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return static_cast<std::size_t>(conn_.Changes());
}

Result<std::int64_t> SqliteHandoffRepo::CountPending() {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kCountPending));
  return CountOne(stmt);
}

Result<std::int64_t> SqliteHandoffRepo::CountDue(model::MerchantId merchant, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kCountDue));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, now);
  return CountOne(stmt);
}

Result<int> SqliteHandoffRepo::LastSequence(model::MerchantId merchant, std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kLastSequence));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, order_id);
  RESTOCK_ASSIGN_OR_RETURN(std::int64_t last, CountOne(stmt));
  return static_cast<int>(last);
}

Status SqliteHandoffRepo::SaveOutcome(const model::Order& order) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSaveOutcome));
  stmt.BindInt64(1, order.merchant_id);
  stmt.BindInt64(2, order.id);
  stmt.BindText(3, order.error_code);
  stmt.BindText(4, order.error_message);
  stmt.BindText(5, order.merchant_order_id);
  stmt.BindInt64(6, order.placement_attempts);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return NotFoundError("no such order");
  return Status::Ok();
}

}  // namespace restock::store::sqlite
