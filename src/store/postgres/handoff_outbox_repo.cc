// PgHandoffRepo: the hand-off outbox and the outcome on orders (the targets and contacts are
// in handoff_repo.cc). Claims skip rows another node's transaction holds (SKIP LOCKED), so
// nodes claiming at once take different requests.
#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// next_attempt_at of a request waiting for the next placement run.
constexpr std::int64_t kWaitsForRun = std::numeric_limits<std::int64_t>::max();

constexpr std::string_view kEnqueue =
    "INSERT INTO handoff_outbox (merchant_id, order_id, sequence, status, retries, give_up_on, "
    "next_attempt_at, created) SELECT m, o, s, 'pending', r, g, 0, c FROM unnest($1::bigint[], "
    "$2::bigint[], $3::bigint[], $4::bigint[], $5::date[], $6::bigint[]) "
    "WITH ORDINALITY AS u(m, o, s, r, g, c, n) ORDER BY n";
constexpr std::string_view kClaim =
    "UPDATE handoff_outbox SET lease_token = $3, next_attempt_at = $4, claimed = $2 "
    "WHERE id IN (SELECT id FROM handoff_outbox WHERE merchant_id = $1 AND status = 'pending' "
    "AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $5 FOR UPDATE SKIP LOCKED) "
    "RETURNING id, order_id, sequence, retries, give_up_on, created";
constexpr std::string_view kComplete =
    "UPDATE handoff_outbox SET status = 'done', lease_token = NULL, completed = $3 "
    "WHERE id = $1 AND lease_token = $2 AND status = 'pending'";
constexpr std::string_view kDefer =
    "UPDATE handoff_outbox SET next_attempt_at = $4, retries = $3, lease_token = NULL "
    "WHERE id = $1 AND lease_token = $2 AND status = 'pending'";
constexpr std::string_view kRelease =
    "UPDATE handoff_outbox SET next_attempt_at = 0, lease_token = NULL "
    "WHERE id = $1 AND lease_token = $2 AND status = 'pending'";
constexpr std::string_view kMakeDue =
    "UPDATE handoff_outbox SET next_attempt_at = $2 WHERE merchant_id = $1 "
    "AND status = 'pending' AND next_attempt_at = $3";
constexpr std::string_view kCountPending =
    "SELECT count(*) FROM handoff_outbox WHERE status = 'pending'";
constexpr std::string_view kCountDue =
    "SELECT count(*) FROM handoff_outbox WHERE merchant_id = $1 AND status = 'pending' "
    "AND next_attempt_at <= $2";
constexpr std::string_view kLastSequence =
    "SELECT COALESCE(MAX(sequence), 0) FROM handoff_outbox WHERE merchant_id = $1 "
    "AND order_id = $2";
constexpr std::string_view kSaveOutcome =
    "UPDATE orders SET error_code = $3, error_message = $4, merchant_order_id = $5, "
    "placement_attempts = $6 WHERE merchant_id = $1 AND id = $2";

}  // namespace

Status PgHandoffRepo::Enqueue(std::span<const model::HandoffRequest> requests) {
  if (requests.empty()) return Status::Ok();
  std::array<ArrayLiteral, 6> a;
  for (const model::HandoffRequest& r : requests) {
    a[0].Int(r.merchant_id);
    a[1].Int(r.order_id);
    a[2].Int(r.sequence);
    a[3].Int(r.retries);
    a[4].Date(r.give_up_on);
    a[5].Int(r.created);
  }
  Params params;
  for (const ArrayLiteral& column : a) params.Text(column.str());
  return DescribeDuplicate(cx_.Guarded(kEnqueue, params).status(),
                           "hand-off request already queued");
}

Result<std::vector<model::HandoffRequest>> PgHandoffRepo::Claim(model::MerchantId merchant,
                                                                UnixMicros now,
                                                                std::string_view token,
                                                                UnixMicros lease_until,
                                                                std::size_t limit) {
  Params p;
  p.Int(merchant).Int(now).Text(token).Int(lease_until).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kClaim, p));
  std::vector<model::HandoffRequest> claimed;
  for (int r = 0; r < rows.size(); ++r) {
    model::HandoffRequest h;
    h.id = rows.Int(r, 0);
    h.merchant_id = merchant;
    h.order_id = rows.Int(r, 1);
    h.sequence = static_cast<int>(rows.Int(r, 2));
    h.retries = static_cast<int>(rows.Int(r, 3));
    RESTOCK_ASSIGN_OR_RETURN(h.give_up_on, rows.Date(r, 4));
    h.created = rows.Int(r, 5);
    claimed.push_back(std::move(h));
  }
  std::sort(claimed.begin(), claimed.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  return claimed;
}

Result<bool> PgHandoffRepo::Complete(std::int64_t id, std::string_view token, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kComplete, Params().Int(id).Text(token).Int(now)));
  return rows.affected() > 0;
}

Result<bool> PgHandoffRepo::Defer(std::int64_t id, std::string_view token, int retries) {
  Params p;
  p.Int(id).Text(token).Int(retries).Int(kWaitsForRun);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kDefer, p));
  return rows.affected() > 0;
}

Result<bool> PgHandoffRepo::Release(std::int64_t id, std::string_view token) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kRelease, Params().Int(id).Text(token)));
  return rows.affected() > 0;
}

Result<std::size_t> PgHandoffRepo::MakeDue(model::MerchantId merchant, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kMakeDue, Params().Int(merchant).Int(now).Int(kWaitsForRun)));
  return static_cast<std::size_t>(rows.affected());
}

Result<std::int64_t> PgHandoffRepo::CountPending() {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kCountPending, {}));
  return rows.Int(0, 0);
}

Result<std::int64_t> PgHandoffRepo::CountDue(model::MerchantId merchant, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kCountDue, Params().Int(merchant).Int(now)));
  return rows.Int(0, 0);
}

Result<int> PgHandoffRepo::LastSequence(model::MerchantId merchant, std::int64_t order_id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kLastSequence, Params().Int(merchant).Int(order_id)));
  return static_cast<int>(rows.Int(0, 0));
}

Status PgHandoffRepo::SaveOutcome(const model::Order& order) {
  Params p;
  p.Int(order.merchant_id).Int(order.id).Text(order.error_code).Text(order.error_message);
  p.Text(order.merchant_order_id).Int(order.placement_attempts);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSaveOutcome, p));
  if (rows.affected() == 0) return NotFoundError("no such order");
  return Status::Ok();
}

}  // namespace restock::store::postgres
