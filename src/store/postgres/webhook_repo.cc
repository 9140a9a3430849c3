#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "store/columns.h"
#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

#define RESTOCK_ENDPOINT_SELECT                                                        \
  "SELECT id, merchant_id, url, event_types, secret, previous_secret, "                 \
  "previous_secret_expires, enabled, created, updated FROM webhook_endpoints "
constexpr std::string_view kInsertEndpoint =
    "INSERT INTO webhook_endpoints (merchant_id, url, event_types, secret, previous_secret, "
    "previous_secret_expires, enabled, created, updated) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
constexpr std::string_view kSelectEndpoint =
    RESTOCK_ENDPOINT_SELECT "WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kSelectEndpoints =
    RESTOCK_ENDPOINT_SELECT "WHERE merchant_id = $1 ORDER BY id";
#undef RESTOCK_ENDPOINT_SELECT
constexpr std::string_view kUpdateEndpoint =
    "UPDATE webhook_endpoints SET url = $3, event_types = $4, secret = $5, previous_secret = $6, "
    "previous_secret_expires = $7, enabled = $8, updated = $9 WHERE merchant_id = $1 AND id = $2";

#define RESTOCK_DELIVERY_COLUMNS                                                            \
  "id, merchant_id, endpoint_id, event_id, event_type, body, created, status, attempts, "   \
  "next_attempt_at, completed"
// Rows in array order, so ids increase in input order.
constexpr std::string_view kInsertDeliveries =
    "INSERT INTO webhook_outbox (merchant_id, endpoint_id, event_id, event_type, body, created, "
    "status, attempts, next_attempt_at, completed) "
    "SELECT u.m, u.e, u.ev, u.t, u.b, u.c, u.s, u.a, u.n, u.done FROM unnest($1::bigint[], "
    "$2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::integer[], "
    "$9::bigint[], $10::bigint[]) WITH ORDINALITY AS u(m, e, ev, t, b, c, s, a, n, done, k) "
    "ORDER BY u.k";
// The endpoint first (locked, SKIP LOCKED: nodes claim different endpoints without waiting),
// then only its due rows through webhook_outbox_due_by_endpoint. The earliest due time is a
// scalar subquery with LIMIT 1, so it stays one index probe per eligible endpoint (an EXISTS
// may be planned as a semi-join reading every pending row, a disabled endpoint's too).
constexpr std::string_view kSelectEndpointToClaim =
    "SELECT e.merchant_id, e.id, e.failures FROM webhook_endpoints e "
    "WHERE e.enabled AND e.claimed_until <= $1 AND e.backoff_until <= $1 AND ("
    "SELECT o.next_attempt_at FROM webhook_outbox o WHERE o.merchant_id = e.merchant_id "
    "AND o.endpoint_id = e.id AND o.status = 'pending' ORDER BY o.next_attempt_at LIMIT 1) "
    "<= $1 ORDER BY e.last_claimed, e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED";
constexpr std::string_view kLeaseEndpoint =
    "UPDATE webhook_endpoints SET claim_token = $3, claimed_until = $4, last_claimed = $5 "
    "WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kEndClaim =
    "UPDATE webhook_endpoints SET claim_token = NULL, claimed_until = 0, failures = $3, "
    "backoff_until = $4 WHERE merchant_id = $5 AND id = $1 AND claim_token = $2";
constexpr std::string_view kClaim =
    "WITH due AS (SELECT o.merchant_id, o.id, o.next_attempt_at AS due_at FROM webhook_outbox o "
    "WHERE o.merchant_id = $1 AND o.endpoint_id = $2 AND o.status = 'pending' "
    "AND o.next_attempt_at <= $3 ORDER BY o.next_attempt_at, o.id LIMIT $6 "
    "FOR UPDATE SKIP LOCKED), claimed AS (UPDATE webhook_outbox AS w SET "
    "attempts = w.attempts + 1, lease_token = $4, next_attempt_at = $5 FROM due "
    "WHERE w.merchant_id = due.merchant_id AND w.id = due.id RETURNING due.due_at, w.id, "
    "w.merchant_id, w.endpoint_id, w.event_id, w.event_type, w.body, w.created, w.status, "
    "w.attempts, w.next_attempt_at, w.completed) "
    "SELECT " RESTOCK_DELIVERY_COLUMNS " FROM claimed ORDER BY due_at, id";
constexpr std::string_view kDeleteEndpoint =
    "DELETE FROM webhook_endpoints WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kDeleteEndpointDeliveries =
    "DELETE FROM webhook_outbox WHERE merchant_id = $1 AND id IN (SELECT id FROM webhook_outbox "
    "WHERE merchant_id = $1 AND endpoint_id = $2 LIMIT $3)";
constexpr std::string_view kPruneDeliveries =
    "DELETE FROM webhook_outbox WHERE (merchant_id, id) IN (SELECT merchant_id, id FROM "
    "webhook_outbox WHERE status <> 'pending' AND completed < $1 LIMIT $2)";
constexpr std::string_view kDeleteEndpointAttempts =
    "DELETE FROM webhook_attempts WHERE merchant_id = $1 AND id IN (SELECT id FROM "
    "webhook_attempts WHERE merchant_id = $1 AND endpoint_id = $2 LIMIT $3)";
constexpr std::string_view kPruneAttempts =
    "DELETE FROM webhook_attempts WHERE (merchant_id, id) IN (SELECT merchant_id, id FROM "
    "webhook_attempts WHERE started < $1 LIMIT $2)";
constexpr std::string_view kRelease =
    "UPDATE webhook_outbox SET attempts = attempts - 1, next_attempt_at = $3, "
    "lease_token = NULL WHERE id = $1 AND lease_token = $2";
constexpr std::string_view kComplete =
    "UPDATE webhook_outbox SET status = $3, next_attempt_at = $4, completed = $5, "
    "lease_token = NULL WHERE id = $1 AND lease_token = $2";
constexpr std::string_view kSelectDelivery =
    "SELECT " RESTOCK_DELIVERY_COLUMNS " FROM webhook_outbox WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kSelectDeliveries =
    "SELECT " RESTOCK_DELIVERY_COLUMNS " FROM webhook_outbox WHERE merchant_id = $1 "
    "AND endpoint_id = $2 AND created >= $3 AND id > $4 ORDER BY id LIMIT $5";
#undef RESTOCK_DELIVERY_COLUMNS
constexpr std::string_view kCountByStatus = "SELECT count(*) FROM webhook_outbox WHERE status = $1";

constexpr std::string_view kInsertAttempt =
    "INSERT INTO webhook_attempts (merchant_id, endpoint_id, delivery_id, event_id, event_type, "
    "attempt, started, duration_us, status_code, error, outcome) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
constexpr std::string_view kSelectAttempts =
    "SELECT id, merchant_id, endpoint_id, delivery_id, event_id, event_type, attempt, started, "
    "duration_us, status_code, error, outcome FROM webhook_attempts "
    "WHERE merchant_id = $1 AND endpoint_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4";

Result<model::WebhookEventType> EventType(const Rows& rows, int r, int c) {
  return ParseStoredEventType(rows.Text(r, c));
}

Result<model::WebhookEndpoint> ReadEndpoint(const Rows& rows, int r) {
  model::WebhookEndpoint e;
  e.id = rows.Int(r, 0);
  e.merchant_id = rows.Int(r, 1);
  e.url = rows.Text(r, 2);
  RESTOCK_ASSIGN_OR_RETURN(e.events, SplitEventTypes(rows.Text(r, 3)));
  e.secret = rows.Text(r, 4);
  e.previous_secret = rows.Text(r, 5);
  e.previous_secret_expires = rows.Int(r, 6);
  e.enabled = rows.Bool(r, 7);
  e.created = rows.Int(r, 8);
  e.updated = rows.Int(r, 9);
  return e;
}

Result<model::WebhookDelivery> ReadDelivery(const Rows& rows, int r) {
  model::WebhookDelivery d;
  d.id = rows.Int(r, 0);
  d.merchant_id = rows.Int(r, 1);
  d.endpoint_id = rows.Int(r, 2);
  d.event_id = rows.Text(r, 3);
  RESTOCK_ASSIGN_OR_RETURN(d.type, EventType(rows, r, 4));
  d.body = rows.Text(r, 5);
  d.created = rows.Int(r, 6);
  std::optional<model::DeliveryStatus> status = model::ParseDeliveryStatus(rows.Text(r, 7));
  if (!status) return InternalError("database error: unknown delivery status stored");
  d.status = *status;
  d.attempts = static_cast<int>(rows.Int(r, 8));
  d.next_attempt_at = rows.Int(r, 9);
  d.completed = rows.OptionalInt(r, 10);
  return d;
}

Result<std::vector<model::WebhookDelivery>> ReadDeliveries(const Rows& rows) {
  std::vector<model::WebhookDelivery> out;
  out.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookDelivery d, ReadDelivery(rows, r));
    out.push_back(std::move(d));
  }
  return out;
}

Result<model::DeliveryAttempt> ReadAttempt(const Rows& rows, int r) {
  model::DeliveryAttempt a;
  a.id = rows.Int(r, 0);
  a.merchant_id = rows.Int(r, 1);
  a.endpoint_id = rows.Int(r, 2);
  a.delivery_id = rows.Int(r, 3);
  a.event_id = rows.Text(r, 4);
  RESTOCK_ASSIGN_OR_RETURN(a.type, EventType(rows, r, 5));
  a.attempt = static_cast<int>(rows.Int(r, 6));
  a.started = rows.Int(r, 7);
  a.duration_micros = rows.Int(r, 8);
  std::optional<std::int64_t> code = rows.OptionalInt(r, 9);
  if (code) a.status_code = static_cast<int>(*code);
  a.error = rows.Text(r, 10);
  std::optional<model::AttemptOutcome> outcome = model::ParseAttemptOutcome(rows.Text(r, 11));
  if (!outcome) return InternalError("database error: unknown attempt outcome stored");
  a.outcome = *outcome;
  return a;
}

// $3.. = the endpoint's columns after merchant and id, in kUpdateEndpoint's order.
void AddEndpointFields(Params& p, const model::WebhookEndpoint& e) {
  p.Text(e.url).Text(JoinEventTypes(e.events)).Text(e.secret).Text(e.previous_secret);
  p.Int(e.previous_secret_expires).Bool(e.enabled);
}

}  // namespace

// ---- Endpoints ----

Result<std::int64_t> PgWebhookEndpointRepo::Create(const model::WebhookEndpoint& e) {
  Params p;
  p.Int(e.merchant_id);
  AddEndpointFields(p, e);
  p.Int(e.created).Int(e.updated);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kInsertEndpoint, p));
  return rows.Int(0, 0);
}

Result<std::optional<model::WebhookEndpoint>> PgWebhookEndpointRepo::Find(model::MerchantId merchant,
                                                                          std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectEndpoint, Params().Int(merchant).Int(id)));
  if (rows.size() == 0) return std::optional<model::WebhookEndpoint>();
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, ReadEndpoint(rows, 0));
  return std::optional<model::WebhookEndpoint>(std::move(e));
}

Result<std::vector<model::WebhookEndpoint>> PgWebhookEndpointRepo::ListForMerchant(
    model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectEndpoints, Params().Int(merchant)));
  std::vector<model::WebhookEndpoint> out;
  out.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::WebhookEndpoint e, ReadEndpoint(rows, r));
    out.push_back(std::move(e));
  }
  return out;
}

Status PgWebhookEndpointRepo::Update(const model::WebhookEndpoint& e) {
  Params p;
  p.Int(e.merchant_id).Int(e.id);
  AddEndpointFields(p, e);
  p.Int(e.updated);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kUpdateEndpoint, p));
  if (rows.affected() == 0) return NotFoundError("no such webhook endpoint");
  return Status::Ok();
}

// ---- Outbox ----

// The upsert locks the merchant's counter row until the transaction ends, so transactions
// taking numbers for one merchant commit in the order of their numbers (migration 14).
constexpr std::string_view kReserveSequences =
    "INSERT INTO webhook_sequences (merchant_id, last) VALUES ($1, $2) "
    "ON CONFLICT (merchant_id) DO UPDATE SET last = webhook_sequences.last + excluded.last "
    "RETURNING last";

Result<std::int64_t> PgWebhookOutboxRepo::ReserveSequences(model::MerchantId merchant,
                                                           std::int64_t count) {
  Params params;
  params.Int(merchant).Int(count);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kReserveSequences, params));
  if (rows.size() != 1) return InternalError("database error: no webhook sequence returned");
  return rows.Int(0, 0) - count + 1;
}

Status PgWebhookOutboxRepo::Enqueue(std::span<const model::WebhookDelivery> deliveries) {
  if (deliveries.empty()) return Status::Ok();
  std::array<ArrayLiteral, 10> a;
  for (const model::WebhookDelivery& d : deliveries) {
    a[0].Int(d.merchant_id);
    a[1].Int(d.endpoint_id);
    a[2].Text(d.event_id);
    a[3].Text(model::WebhookEventTypeName(d.type));
    a[4].Text(d.body);
    a[5].Int(d.created);
    a[6].Text(model::DeliveryStatusName(d.status));
    a[7].Int(d.attempts);
    a[8].Int(d.next_attempt_at);
    a[9].OptionalInt(d.completed);
  }
  Params params;
  for (const ArrayLiteral& column : a) params.Text(column.str());
  return cx_.conn.Query(kInsertDeliveries, params).status();
}

Result<std::optional<EndpointClaim>> PgWebhookOutboxRepo::Claim(UnixMicros now,
                                                                std::string_view token,
                                                                UnixMicros lease_until,
                                                                std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(Rows picked, cx_.conn.Query(kSelectEndpointToClaim, Params().Int(now)));
  if (picked.size() == 0) return std::optional<EndpointClaim>();
  EndpointClaim claim;
  claim.merchant_id = picked.Int(0, 0);
  claim.endpoint_id = picked.Int(0, 1);
  claim.failures = static_cast<int>(picked.Int(0, 2));
  RESTOCK_RETURN_IF_ERROR(cx_.conn
                              .Query(kLeaseEndpoint, Params()
                                                         .Int(claim.merchant_id)
                                                         .Int(claim.endpoint_id)
                                                         .Text(token)
                                                         .Int(lease_until)
                                                         .Int(now))
                              .status());
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kClaim, Params()
                                                                 .Int(claim.merchant_id)
                                                                 .Int(claim.endpoint_id)
                                                                 .Int(now)
                                                                 .Text(token)
                                                                 .Int(lease_until)
                                                                 .Int(LimitValue(limit))));
  RESTOCK_ASSIGN_OR_RETURN(claim.deliveries, ReadDeliveries(rows));
  return std::optional<EndpointClaim>(std::move(claim));
}

Result<bool> PgWebhookOutboxRepo::Release(std::int64_t id, std::string_view token,
                                          UnixMicros next_attempt_at) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kRelease, Params().Int(id).Text(token).Int(next_attempt_at)));
  return rows.affected() > 0;
}

Status PgWebhookOutboxRepo::EndClaim(model::MerchantId merchant, std::int64_t endpoint_id, std::string_view token,
                                     int failures, UnixMicros backoff_until) {
  return cx_.conn
      .Query(kEndClaim,
             Params().Int(endpoint_id).Text(token).Int(failures).Int(backoff_until).Int(merchant))
      .status();
}

Result<bool> PgWebhookOutboxRepo::Complete(std::int64_t id, std::string_view token,
                                           model::DeliveryStatus status,
                                           UnixMicros next_attempt_at, UnixMicros now) {
  Params p;
  p.Int(id).Text(token).Text(model::DeliveryStatusName(status)).Int(next_attempt_at);
  if (status == model::DeliveryStatus::kPending) {
    p.Null();
  } else {
    p.Int(now);
  }
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kComplete, p));
  return rows.affected() > 0;
}

Result<std::optional<model::WebhookDelivery>> PgWebhookOutboxRepo::Find(model::MerchantId merchant,
                                                                        std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectDelivery, Params().Int(merchant).Int(id)));
  if (rows.size() == 0) return std::optional<model::WebhookDelivery>();
  RESTOCK_ASSIGN_OR_RETURN(model::WebhookDelivery d, ReadDelivery(rows, 0));
  return std::optional<model::WebhookDelivery>(std::move(d));
}

Result<std::vector<model::WebhookDelivery>> PgWebhookOutboxRepo::ListForEndpoint(
    model::MerchantId merchant, std::int64_t endpoint_id, UnixMicros since, std::int64_t after_id,
    std::size_t limit) {
  Params p;
  p.Int(merchant).Int(endpoint_id).Int(since).Int(after_id).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectDeliveries, p));
  return ReadDeliveries(rows);
}

Result<std::int64_t> PgWebhookOutboxRepo::CountByStatus(model::DeliveryStatus status) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kCountByStatus, Params().Text(model::DeliveryStatusName(status))));
  return rows.Int(0, 0);
}

// ---- Attempts ----

Result<std::int64_t> PgWebhookAttemptRepo::Append(const model::DeliveryAttempt& a) {
  Params p;
  p.Int(a.merchant_id).Int(a.endpoint_id).Int(a.delivery_id).Text(a.event_id);
  p.Text(model::WebhookEventTypeName(a.type)).Int(a.attempt).Int(a.started).Int(a.duration_micros);
  if (a.status_code) {
    p.Int(*a.status_code);
  } else {
    p.Null();
  }
  p.Text(a.error).Text(model::AttemptOutcomeName(a.outcome));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kInsertAttempt, p));
  return rows.Int(0, 0);
}

Result<std::vector<model::DeliveryAttempt>> PgWebhookAttemptRepo::ListForEndpoint(
    model::MerchantId merchant, std::int64_t endpoint_id, std::optional<std::int64_t> before_id,
    std::size_t limit) {
  Params p;
  p.Int(merchant).Int(endpoint_id);
  p.Int(before_id.value_or(std::numeric_limits<std::int64_t>::max())).Int(LimitValue(limit));
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectAttempts, p));
  std::vector<model::DeliveryAttempt> out;
  out.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::DeliveryAttempt a, ReadAttempt(rows, r));
    out.push_back(std::move(a));
  }
  return out;
}

Status PgWebhookEndpointRepo::Delete(model::MerchantId merchant, std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kDeleteEndpoint, Params().Int(merchant).Int(id)));
  if (rows.affected() == 0) return NotFoundError("no such webhook endpoint");
  return Status::Ok();
}

Result<std::size_t> PgWebhookOutboxRepo::DeleteForEndpoint(model::MerchantId merchant,
                                                           std::int64_t endpoint_id,
                                                           std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kDeleteEndpointDeliveries,
                                Params().Int(merchant).Int(endpoint_id).Int(LimitValue(limit))));
  return static_cast<std::size_t>(rows.affected());
}

Result<std::size_t> PgWebhookOutboxRepo::PruneCompleted(UnixMicros before, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kPruneDeliveries, Params().Int(before).Int(LimitValue(limit))));
  return static_cast<std::size_t>(rows.affected());
}

Result<std::size_t> PgWebhookAttemptRepo::DeleteForEndpoint(model::MerchantId merchant,
                                                            std::int64_t endpoint_id,
                                                            std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kDeleteEndpointAttempts,
                                Params().Int(merchant).Int(endpoint_id).Int(LimitValue(limit))));
  return static_cast<std::size_t>(rows.affected());
}

Result<std::size_t> PgWebhookAttemptRepo::PruneStarted(UnixMicros before, std::size_t limit) {
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, cx_.conn.Query(kPruneAttempts, Params().Int(before).Int(LimitValue(limit))));
  return static_cast<std::size_t>(rows.affected());
}

}  // namespace restock::store::postgres
