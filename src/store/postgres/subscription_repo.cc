#include <unordered_map>
#include <utility>

#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

// The customer row and the subscription in one statement.
constexpr std::string_view kInsertSubscription =
    "WITH c AS (INSERT INTO customers (merchant_id, customer_id, created) VALUES ($1, $2, $9) "
    "ON CONFLICT (merchant_id, customer_id) DO NOTHING) "
    "INSERT INTO subscriptions (merchant_id, customer_id, product_id, quantity, every, period, "
    "status, start_date, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "RETURNING id";
#define RESTOCK_SUBSCRIPTION_COLUMNS                                                        \
  "SELECT id, customer_id, product_id, quantity, every, period, status, start_date, created, " \
  "updated FROM subscriptions "
constexpr std::string_view kSelectSubscription =
    RESTOCK_SUBSCRIPTION_COLUMNS "WHERE merchant_id = $1 AND id = $2";
constexpr std::string_view kSelectSubscriptions =
    RESTOCK_SUBSCRIPTION_COLUMNS "WHERE merchant_id = $1 AND id = ANY($2::bigint[])";
#undef RESTOCK_SUBSCRIPTION_COLUMNS
constexpr std::string_view kUpdateSubscription =
    "UPDATE subscriptions SET quantity = $3, every = $4, period = $5, status = $6, updated = $7 "
    "WHERE merchant_id = $1 AND id = $2";

Result<model::Subscription> ReadSubscription(const Rows& rows, int r, model::MerchantId merchant) {
  model::Subscription s;
  s.id = rows.Int(r, 0);
  s.merchant_id = merchant;
  s.customer_id = rows.Text(r, 1);
  s.product_id = rows.Text(r, 2);
  s.quantity = rows.Int(r, 3);
  s.frequency.every = static_cast<int>(rows.Int(r, 4));
  std::optional<model::Period> period = model::ParsePeriod(rows.Text(r, 5));
  if (!period) return InternalError("database error: unknown subscription period stored");
  s.frequency.period = *period;
  std::optional<model::SubscriptionStatus> status = model::ParseSubscriptionStatus(rows.Text(r, 6));
  if (!status) return InternalError("database error: unknown subscription status stored");
  s.status = *status;
  RESTOCK_ASSIGN_OR_RETURN(s.start, rows.Date(r, 7));
  s.created = rows.Int(r, 8);
  s.updated = rows.Int(r, 9);
  return s;
}

}  // namespace

Result<std::int64_t> PgSubscriptionRepo::Create(const model::Subscription& s) {
  Params p;
  p.Int(s.merchant_id).Text(s.customer_id).Text(s.product_id).Int(s.quantity);
  p.Int(s.frequency.every).Text(model::PeriodName(s.frequency.period));
  p.Text(model::SubscriptionStatusName(s.status)).Date(s.start).Int(s.created).Int(s.updated);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kInsertSubscription, p));
  return rows.Int(0, 0);
}

Result<std::optional<model::Subscription>> PgSubscriptionRepo::Find(model::MerchantId merchant,
                                                                    std::int64_t id) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectSubscription, Params().Int(merchant).Int(id)));
  if (rows.size() == 0) return std::optional<model::Subscription>();
  RESTOCK_ASSIGN_OR_RETURN(model::Subscription s, ReadSubscription(rows, 0, merchant));
  return std::optional<model::Subscription>(std::move(s));
}

Result<std::vector<std::optional<model::Subscription>>> PgSubscriptionRepo::FindMany(
    model::MerchantId merchant, std::span<const std::int64_t> ids) {
  std::vector<std::optional<model::Subscription>> found(ids.size());
  if (ids.empty()) return found;
  ArrayLiteral array;
  for (std::int64_t id : ids) array.Int(id);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows,
                           cx_.conn.Query(kSelectSubscriptions, Params().Int(merchant).Text(array.str())));
  std::unordered_map<std::int64_t, model::Subscription> by_id;
  for (int r = 0; r < rows.size(); ++r) {
    RESTOCK_ASSIGN_OR_RETURN(model::Subscription s, ReadSubscription(rows, r, merchant));
    by_id.emplace(s.id, std::move(s));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = by_id.find(ids[i]);
    if (it != by_id.end()) found[i] = it->second;
  }
  return found;
}

Status PgSubscriptionRepo::Update(const model::Subscription& s) {
  Params p;
  p.Int(s.merchant_id).Int(s.id).Int(s.quantity).Int(s.frequency.every);
  p.Text(model::PeriodName(s.frequency.period)).Text(model::SubscriptionStatusName(s.status));
  p.Int(s.updated);
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kUpdateSubscription, p));
  if (rows.affected() == 0) return NotFoundError("subscription not found");
  return Status::Ok();
}

}  // namespace restock::store::postgres
