#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "store/columns.h"
#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

constexpr std::string_view kInsertEndpoint =
    "INSERT INTO webhook_endpoints (merchant_id, url, event_types, secret, previous_secret, "
    "previous_secret_expires, enabled, created, updated) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr std::string_view kSelectEndpoint =
    "SELECT id, merchant_id, url, event_types, secret, previous_secret, "
    "previous_secret_expires, enabled, created, updated FROM webhook_endpoints "
    "WHERE merchant_id = ?1 AND id = ?2";
constexpr std::string_view kSelectEndpoints =
    "SELECT id, merchant_id, url, event_types, secret, previous_secret, "
    "previous_secret_expires, enabled, created, updated FROM webhook_endpoints "
    "WHERE merchant_id = ?1 ORDER BY id";
constexpr std::string_view kUpdateEndpoint =
    "UPDATE webhook_endpoints SET url = ?3, event_types = ?4, secret = ?5, previous_secret = ?6, "
    "previous_secret_expires = ?7, enabled = ?8, updated = ?9 WHERE merchant_id = ?1 AND id = ?2";

constexpr std::string_view kDeleteEndpoint =
    "DELETE FROM webhook_endpoints WHERE merchant_id = ?1 AND id = ?2";
constexpr std::string_view kDeleteEndpointDeliveries =
    "DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox "
    "WHERE merchant_id = ?1 AND endpoint_id = ?2 LIMIT ?3)";
constexpr std::string_view kPruneDeliveries =
    "DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox "
    "WHERE status <> 'pending' AND completed < ?1 LIMIT ?2)";
constexpr std::string_view kDeleteEndpointAttempts =
    "DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts "
    "WHERE merchant_id = ?1 AND endpoint_id = ?2 LIMIT ?3)";
constexpr std::string_view kPruneAttempts =
    "DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts "
    "WHERE started < ?1 LIMIT ?2)";

// Runs a DELETE whose parameters are `bind`'s, returning the rows deleted.
template <typename Bind>
Result<std::size_t> DeleteSome(Connection& conn, std::string_view sql, Bind&& bind) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql));
  bind(stmt);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return static_cast<std::size_t>(conn.Changes());
}

constexpr std::string_view kInsertDelivery =
    "INSERT INTO webhook_outbox (merchant_id, endpoint_id, event_id, event_type, body, created, "
    "status, attempts, next_attempt_at, completed) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// Driven from the endpoints: one probe of webhook_outbox_due_by_endpoint per enabled,
// unclaimed endpoint that is not backing off; rows of other endpoints are never read.
constexpr std::string_view kSelectEndpointToClaim =
    "SELECT e.id, e.merchant_id, e.failures FROM webhook_endpoints e "
    "WHERE e.enabled = 1 AND e.claimed_until <= ?1 AND e.backoff_until <= ?1 AND EXISTS ("
    "SELECT 1 FROM webhook_outbox o WHERE o.endpoint_id = e.id AND o.status = 'pending' "
    "AND o.next_attempt_at <= ?1) ORDER BY e.last_claimed, e.id LIMIT 1";
constexpr std::string_view kLeaseEndpoint =
    "UPDATE webhook_endpoints SET claim_token = ?2, claimed_until = ?3, last_claimed = ?4 "
    "WHERE id = ?1";
constexpr std::string_view kEndClaim =
    "UPDATE webhook_endpoints SET claim_token = NULL, claimed_until = 0, failures = ?3, "
    "backoff_until = ?4 WHERE id = ?1 AND claim_token = ?2 AND merchant_id = ?5";
constexpr std::string_view kSelectDue =
    "SELECT id FROM webhook_outbox WHERE endpoint_id = ?1 AND status = 'pending' "
    "AND next_attempt_at <= ?2 ORDER BY next_attempt_at, id LIMIT ?3";
constexpr std::string_view kRelease =
    "UPDATE webhook_outbox SET attempts = attempts - 1, next_attempt_at = ?3, "
    "lease_token = NULL WHERE id = ?1 AND lease_token = ?2";
constexpr std::string_view kClaimOne =
    "UPDATE webhook_outbox SET attempts = attempts + 1, lease_token = ?2, next_attempt_at = ?3 "
    "WHERE id = ?1";
constexpr std::string_view kComplete =
    "UPDATE webhook_outbox SET status = ?3, next_attempt_at = ?4, completed = ?5, "
    "lease_token = NULL WHERE id = ?1 AND lease_token = ?2";
constexpr std::string_view kSelectDeliveryById =
    "SELECT id, merchant_id, endpoint_id, event_id, event_type, body, created, status, attempts, "
    "next_attempt_at, completed FROM webhook_outbox WHERE id = ?1";
constexpr std::string_view kSelectDelivery =
    "SELECT id, merchant_id, endpoint_id, event_id, event_type, body, created, status, attempts, "
    "next_attempt_at, completed FROM webhook_outbox WHERE id = ?2 AND merchant_id = ?1";
constexpr std::string_view kSelectDeliveries =
    "SELECT id, merchant_id, endpoint_id, event_id, event_type, body, created, status, attempts, "
    "next_attempt_at, completed FROM webhook_outbox "
    "WHERE merchant_id = ?1 AND endpoint_id = ?2 AND created >= ?3 AND id > ?4 "
    "ORDER BY id LIMIT ?5";
constexpr std::string_view kCountByStatus = "SELECT COUNT(*) FROM webhook_outbox WHERE status = ?1";

constexpr std::string_view kInsertAttempt =
    "INSERT INTO webhook_attempts (merchant_id, endpoint_id, delivery_id, event_id, event_type, "
    "attempt, started, duration_us, status_code, error, outcome) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kSelectAttempts =
    "SELECT id, merchant_id, endpoint_id, delivery_id, event_id, event_type, attempt, started, "
    "duration_us, status_code, error, outcome FROM webhook_attempts "
    "WHERE merchant_id = ?1 AND endpoint_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4";

Result<model::WebhookEventType> ColumnEventType(const Statement& stmt, int column) {
  return ParseStoredEventType(stmt.ColumnView(column));
}

Result<model::WebhookEndpoint> ReadEndpoint(const Statement& stmt) {
  model::WebhookEndpoint e;
  e.id = stmt.ColumnInt64(0);
  e.merchant_id = stmt.ColumnInt64(1);
  e.url = stmt.ColumnText(2);
  RESTOCK_ASSIGN_OR_RETURN(e.events, SplitEventTypes(stmt.ColumnView(3)));
  e.secret = stmt.ColumnText(4);
  e.previous_secret = stmt.ColumnText(5);
  e.previous_secret_expires = stmt.ColumnInt64(6);
  e.enabled = stmt.ColumnBool(7);
  e.created = stmt.ColumnInt64(8);
  e.updated = stmt.ColumnInt64(9);
  return e;
}

Result<model::WebhookDelivery> ReadDelivery(const Statement& stmt) {
  model::WebhookDelivery d;
  d.id = stmt.ColumnInt64(0);
  d.merchant_id = stmt.ColumnInt64(1);
  d.endpoint_id = stmt.ColumnInt64(2);
  d.event_id = stmt.ColumnText(3);
  RESTOCK_ASSIGN_OR_RETURN(d.type, ColumnEventType(stmt, 4));
  d.body = stmt.ColumnText(5);
  d.created = stmt.ColumnInt64(6);
  std::optional<model::DeliveryStatus> status = model::ParseDeliveryStatus(stmt.ColumnView(7));
  if (!status) return InternalError("database error: unknown delivery status stored");
  d.status = *status;
  d.attempts = static_cast<int>(stmt.ColumnInt64(8));
  d.next_attempt_at = stmt.ColumnInt64(9);
  d.completed = stmt.ColumnOptionalInt64(10);
  return d;
}

Result<model::DeliveryAttempt> ReadAttempt(const Statement& stmt) {
  model::DeliveryAttempt a;
  a.id = stmt.ColumnInt64(0);
  a.merchant_id = stmt.ColumnInt64(1);
  a.endpoint_id = stmt.ColumnInt64(2);
  a.delivery_id = stmt.ColumnInt64(3);
  a.event_id = stmt.ColumnText(4);
  RESTOCK_ASSIGN_OR_RETURN(a.type, ColumnEventType(stmt, 5));
  a.attempt = static_cast<int>(stmt.ColumnInt64(6));
  a.started = stmt.ColumnInt64(7);
  a.duration_micros = stmt.ColumnInt64(8);
  std::optional<std::int64_t> code = stmt.ColumnOptionalInt64(9);
  if (code) a.status_code = static_cast<int>(*code);
  a.error = stmt.ColumnText(10);
  std::optional<model::AttemptOutcome> outcome = model::ParseAttemptOutcome(stmt.ColumnView(11));
  if (!outcome) return InternalError("database error: unknown attempt outcome stored");
  a.outcome = *outcome;
  return a;
}

}  // namespace

// ---- Endpoints ----

Result<std::int64_t> SqliteWebhookEndpointRepo::Create(const model::WebhookEndpoint& e) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertEndpoint));
  stmt.BindInt64(1, e.merchant_id);
  stmt.BindText(2, e.url);
  stmt.BindText(3, JoinEventTypes(e.events));
  stmt.BindText(4, e.secret);
  stmt.BindText(5, e.previous_secret);
  stmt.BindInt64(6, e.previous_secret_expires);
  stmt.BindBool(7, e.enabled);
  stmt.BindInt64(8, e.created);
  stmt.BindInt64(9, e.updated);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.LastInsertRowId();
}

Result<std::optional<model::WebhookEndpoint>> SqliteWebhookEndpointRepo::Find(
    model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectEndpoint));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::WebhookEndpoint>();
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, ReadEndpoint(stmt));
  return std::optional<model::WebhookEndpoint>(std::move(e));
}

Result<std::vector<model::WebhookEndpoint>> SqliteWebhookEndpointRepo::ListForMerchant(
    model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectEndpoints));
  stmt.BindInt64(1, merchant);
  std::vector<model::WebhookEndpoint> out;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, ReadEndpoint(stmt));
    out.push_back(std::move(e));
  }
  return out;
}

Status SqliteWebhookEndpointRepo::Update(const model::WebhookEndpoint& e) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kUpdateEndpoint));
  stmt.BindInt64(1, e.merchant_id);
  stmt.BindInt64(2, e.id);
  stmt.BindText(3, e.url);
  stmt.BindText(4, JoinEventTypes(e.events));
  stmt.BindText(5, e.secret);
  stmt.BindText(6, e.previous_secret);
  stmt.BindInt64(7, e.previous_secret_expires);
  stmt.BindBool(8, e.enabled);
  stmt.BindInt64(9, e.updated);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  if (conn_.Changes() == 0) return NotFoundError("no such webhook endpoint");
  return Status::Ok();
}

Status SqliteWebhookEndpointRepo::Delete(model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(std::size_t n, DeleteSome(conn_, kDeleteEndpoint, [&](Statement& s) {
                             s.BindInt64(1, merchant);
                             s.BindInt64(2, id);
                           }));
  if (n == 0) return NotFoundError("no such webhook endpoint");
  return Status::Ok();
}

// ---- Outbox ----

constexpr std::string_view kReserveSequences =
    "INSERT INTO webhook_sequences (merchant_id, last) VALUES (?1, ?2) "
    "ON CONFLICT (merchant_id) DO UPDATE SET last = last + excluded.last RETURNING last";

Status SqliteWebhookOutboxRepo::Enqueue(std::span<const model::WebhookDelivery> deliveries) {
  return RunAtomically(conn_, deliveries.size(), [&]() -> Status {
    for (const model::WebhookDelivery& d : deliveries) {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertDelivery));
      stmt.BindInt64(1, d.merchant_id);
      stmt.BindInt64(2, d.endpoint_id);
      stmt.BindText(3, d.event_id);
      stmt.BindText(4, model::WebhookEventTypeName(d.type));
      stmt.BindText(5, d.body);
      stmt.BindInt64(6, d.created);
      stmt.BindText(7, model::DeliveryStatusName(d.status));
      stmt.BindInt64(8, d.attempts);
      stmt.BindInt64(9, d.next_attempt_at);
      stmt.BindOptionalInt64(10, d.completed);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
    }
    return Status::Ok();
  });
}

Result<std::int64_t> SqliteWebhookOutboxRepo::ReserveSequences(model::MerchantId merchant,
                                                               std::int64_t count) {
  // The transaction holds the database's write lock, so no other writer takes numbers
  // until it commits (migration 14).
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kReserveSequences));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, count);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("database error: no webhook sequence returned");
  const std::int64_t last = stmt.ColumnInt64(0);
  return last - count + 1;
}

Result<std::optional<EndpointClaim>> SqliteWebhookOutboxRepo::Claim(UnixMicros now,
                                                                    std::string_view token,
                                                                    UnixMicros lease_until,
                                                                    std::size_t limit) {
  EndpointClaim claim;
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectEndpointToClaim));
    stmt.BindInt64(1, now);
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return std::optional<EndpointClaim>();
    claim.endpoint_id = stmt.ColumnInt64(0);
    claim.merchant_id = stmt.ColumnInt64(1);
    claim.failures = static_cast<int>(stmt.ColumnInt64(2));
  }
  std::vector<std::int64_t> ids;
  {
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectDue));
    stmt.BindInt64(1, claim.endpoint_id);
    stmt.BindInt64(2, now);
    stmt.BindInt64(3, LimitValue(limit));
    for (;;) {
      RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) break;
      ids.push_back(stmt.ColumnInt64(0));
    }
  }
  std::vector<model::WebhookDelivery>& out = claim.deliveries;
  Status status = RunAtomically(conn_, ids.size() * 2 + 1, [&]() -> Status {
    out.clear();
    {
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kLeaseEndpoint));
      stmt.BindInt64(1, claim.endpoint_id);
      stmt.BindText(2, token);
      stmt.BindInt64(3, lease_until);
      stmt.BindInt64(4, now);
      RESTOCK_RETURN_IF_ERROR(stmt.Run());
    }
    for (std::int64_t id : ids) {
      {
        RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kClaimOne));
        stmt.BindInt64(1, id);
        stmt.BindText(2, token);
        stmt.BindInt64(3, lease_until);
        RESTOCK_RETURN_IF_ERROR(stmt.Run());
      }
      RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectDeliveryById));
      stmt.BindInt64(1, id);
      RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) return InternalError("database error: claimed delivery vanished");
      RESTOCK_ASSIGN_OR_RETURN(model::WebhookDelivery d, ReadDelivery(stmt));
      out.push_back(std::move(d));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::optional<EndpointClaim>(std::move(claim));
}

Result<bool> SqliteWebhookOutboxRepo::Release(std::int64_t id, std::string_view token,
                                              UnixMicros next_attempt_at) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kRelease));
  stmt.BindInt64(1, id);
  stmt.BindText(2, token);
  stmt.BindInt64(3, next_attempt_at);
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Status SqliteWebhookOutboxRepo::EndClaim(model::MerchantId merchant, std::int64_t endpoint_id, std::string_view token,
                                         int failures, UnixMicros backoff_until) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kEndClaim));
  stmt.BindInt64(1, endpoint_id);
  stmt.BindText(2, token);
  stmt.BindInt64(3, failures);
  stmt.BindInt64(4, backoff_until);
  stmt.BindInt64(5, merchant);
  return stmt.Run();
}

Result<bool> SqliteWebhookOutboxRepo::Complete(std::int64_t id, std::string_view token,
                                               model::DeliveryStatus status,
                                               UnixMicros next_attempt_at, UnixMicros now) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kComplete));
  stmt.BindInt64(1, id);
  stmt.BindText(2, token);
  stmt.BindText(3, model::DeliveryStatusName(status));
  stmt.BindInt64(4, next_attempt_at);
  if (status == model::DeliveryStatus::kPending) {
    stmt.BindNull(5);
  } else {
    stmt.BindInt64(5, now);
  }
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.Changes() > 0;
}

Result<std::optional<model::WebhookDelivery>> SqliteWebhookOutboxRepo::Find(
    model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectDelivery));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, id);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<model::WebhookDelivery>();
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookDelivery d, ReadDelivery(stmt));
  return std::optional<model::WebhookDelivery>(std::move(d));
}

Result<std::vector<model::WebhookDelivery>> SqliteWebhookOutboxRepo::ListForEndpoint(
    model::MerchantId merchant, std::int64_t endpoint_id, UnixMicros since, std::int64_t after_id,
    std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectDeliveries));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, endpoint_id);
  stmt.BindInt64(3, since);
  stmt.BindInt64(4, after_id);
  stmt.BindInt64(5, LimitValue(limit));
  std::vector<model::WebhookDelivery> out;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookDelivery d, ReadDelivery(stmt));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::int64_t> SqliteWebhookOutboxRepo::CountByStatus(model::DeliveryStatus status) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kCountByStatus));
  stmt.BindText(1, model::DeliveryStatusName(status));
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("database error: no count");
  return stmt.ColumnInt64(0);
}

Result<std::size_t> SqliteWebhookOutboxRepo::DeleteForEndpoint(model::MerchantId merchant,
                                                               std::int64_t endpoint_id,
                                                               std::size_t limit) {
  return DeleteSome(conn_, kDeleteEndpointDeliveries, [&](Statement& s) {
    s.BindInt64(1, merchant);
    s.BindInt64(2, endpoint_id);
    s.BindInt64(3, LimitValue(limit));
  });
}

Result<std::size_t> SqliteWebhookOutboxRepo::PruneCompleted(UnixMicros before,
                                                            std::size_t limit) {
  return DeleteSome(conn_, kPruneDeliveries, [&](Statement& s) {
    s.BindInt64(1, before);
    s.BindInt64(2, LimitValue(limit));
  });
}

// ---- Attempts ----

Result<std::int64_t> SqliteWebhookAttemptRepo::Append(const model::DeliveryAttempt& a) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertAttempt));
  stmt.BindInt64(1, a.merchant_id);
  stmt.BindInt64(2, a.endpoint_id);
  stmt.BindInt64(3, a.delivery_id);
  stmt.BindText(4, a.event_id);
  stmt.BindText(5, model::WebhookEventTypeName(a.type));
  stmt.BindInt64(6, a.attempt);
  stmt.BindInt64(7, a.started);
  stmt.BindInt64(8, a.duration_micros);
  if (a.status_code) {
    stmt.BindInt64(9, *a.status_code);
  } else {
    stmt.BindNull(9);
  }
  stmt.BindText(10, a.error);
  stmt.BindText(11, model::AttemptOutcomeName(a.outcome));
  RESTOCK_RETURN_IF_ERROR(stmt.Run());
  return conn_.LastInsertRowId();
}

Result<std::vector<model::DeliveryAttempt>> SqliteWebhookAttemptRepo::ListForEndpoint(
    model::MerchantId merchant, std::int64_t endpoint_id, std::optional<std::int64_t> before_id,
    std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectAttempts));
  stmt.BindInt64(1, merchant);
  stmt.BindInt64(2, endpoint_id);
  stmt.BindInt64(3, before_id.value_or(std::numeric_limits<std::int64_t>::max()));
  stmt.BindInt64(4, LimitValue(limit));
  std::vector<model::DeliveryAttempt> out;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    RESTOCK_ASSIGN_OR_RETURN(model::DeliveryAttempt a, ReadAttempt(stmt));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::size_t> SqliteWebhookAttemptRepo::DeleteForEndpoint(model::MerchantId merchant,
                                                                std::int64_t endpoint_id,
                                                                std::size_t limit) {
  return DeleteSome(conn_, kDeleteEndpointAttempts, [&](Statement& s) {
    s.BindInt64(1, merchant);
    s.BindInt64(2, endpoint_id);
    s.BindInt64(3, LimitValue(limit));
  });
}

Result<std::size_t> SqliteWebhookAttemptRepo::PruneStarted(UnixMicros before, std::size_t limit) {
  return DeleteSome(conn_, kPruneAttempts, [&](Statement& s) {
    s.BindInt64(1, before);
    s.BindInt64(2, LimitValue(limit));
  });
}

}  // namespace restock::store::sqlite
