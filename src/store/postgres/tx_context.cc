#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/postgres/repos.h"

namespace restock::store::postgres {

Result<Rows> TxContext::Guarded(std::string_view sql, const Params& params) {
  std::array<Call, 3> calls = {Call{"SAVEPOINT guard", {}}, Call{sql, params},
                               Call{"RELEASE SAVEPOINT guard", {}}};
  Result<std::vector<Rows>> rows = conn.Pipeline(calls);
  if (rows.ok()) return std::move((*rows)[1]);
  // The statement failed (or the connection did): undo it alone when the transaction is
  // still there, so the work may carry on. When even preparing it failed (before the
  // savepoint existed) the transaction stays failed and the work with it.
  if (conn.healthy() && conn.InFailedTransaction()) {
    (void)conn.Exec("ROLLBACK TO SAVEPOINT guard; RELEASE SAVEPOINT guard");
  }
  return rows.status();
}

namespace {

constexpr std::string_view kLock = "SELECT pg_advisory_xact_lock($1::bigint)";
constexpr std::string_view kSharedLock = "SELECT pg_advisory_xact_lock_shared($1::bigint)";
// The merchants' advisory locks in the arrays' order ($2: exclusively). The volatile CASE
// keeps the subquery from being flattened away, so every lock is taken.
constexpr std::string_view kLockMerchants =
    "SELECT count(*) FROM (SELECT CASE WHEN u.x THEN pg_advisory_xact_lock(u.m) "
    "ELSE pg_advisory_xact_lock_shared(u.m) END FROM unnest($1::bigint[], $2::boolean[]) "
    "AS u(m, x)) s";
// Product rows in the arrays' order: one primary-key lookup per key, each locking its row
// on its own. A waiter re-checks only its own key when the row it waited for changed —
// not a whole `= ANY(array)` per row, which made contended large batches quadratic
// (BENCHMARKS.md, PostgreSQL).
constexpr std::string_view kLockProducts =
    "SELECT count(*) FROM unnest($1::bigint[], $2::text[]) AS u(m, id) CROSS JOIN LATERAL "
    "(SELECT 1 FROM products p WHERE p.merchant_id = u.m AND p.product_id = u.id FOR UPDATE) l";
// Plan the next statement for its own parameters, then go back to the session's mode, all
// local to the transaction (set_config's third argument); restock.plan_cache_mode holds the
// mode in between. A server without plan_cache_mode (PostgreSQL 11) skips both switches
// instead of failing the transaction: current_setting(…, true) is NULL there, and CASE
// never calls set_config for it.
constexpr std::string_view kSaveMode =
    "SELECT set_config('restock.plan_cache_mode', "
    "coalesce(current_setting('plan_cache_mode', true), ''), true)";
constexpr std::string_view kCustomPlans =
    "SELECT CASE WHEN current_setting('restock.plan_cache_mode') <> '' "
    "THEN set_config('plan_cache_mode', 'auto', true) END";
constexpr std::string_view kRestoreMode =
    "SELECT CASE WHEN current_setting('restock.plan_cache_mode') <> '' "
    "THEN set_config('plan_cache_mode', current_setting('restock.plan_cache_mode'), true) END";

// Runs `calls` in one round trip and returns the rows of calls[index].
template <std::size_t N>
Result<Rows> RunPipelined(Connection& conn, std::array<Call, N> calls, std::size_t index) {
  RESTOCK_ASSIGN_OR_RETURN(std::vector<Rows> rows, conn.Pipeline(calls));
  return std::move(rows[index]);
}

}  // namespace

Status TxContext::LockInOrder(std::string_view begin, std::span<const WorkLocks* const> locks,
                              std::string_view then) {
  std::map<std::int64_t, bool> merchants;
  std::vector<std::pair<std::int64_t, std::string_view>> products;
  for (const WorkLocks* l : locks) {
    if (l == nullptr || l->merchant == 0) continue;
    merchants[l->merchant] = merchants[l->merchant] || l->orders;
    for (const std::string& id : l->products) products.emplace_back(l->merchant, id);
  }
  if (merchants.empty()) {
    if (begin.empty() && then.empty()) return Status::Ok();
    std::string both(begin);
    if (!begin.empty() && !then.empty()) both += "; ";
    both += then;
    return conn.Exec(both);
  }
  // The global order (docs/scaling.md): merchants by id (the map's order), then products by
  // (merchant id, product id), bytewise as the COLLATE "C" key.
  std::sort(products.begin(), products.end());
  products.erase(std::unique(products.begin(), products.end()), products.end());
  ArrayLiteral merchant_ids, exclusive, product_merchants, product_ids;
  for (const auto& [m, x] : merchants) {
    merchant_ids.Int(m);
    exclusive.Bool(x);
  }
  for (const auto& [m, id] : products) {
    product_merchants.Int(m);
    product_ids.Text(id);
  }
  std::vector<Call> calls;
  if (!begin.empty()) calls.push_back(Call{begin, {}});
  calls.push_back(Call{kLockMerchants, Params().Text(merchant_ids.str()).Text(exclusive.str())});
  if (!products.empty()) {
    calls.push_back(
        Call{kLockProducts, Params().Text(product_merchants.str()).Text(product_ids.str())});
  }
  if (!then.empty()) calls.push_back(Call{then, {}});
  RESTOCK_RETURN_IF_ERROR(conn.Pipeline(calls).status());
  for (const auto& [m, x] : merchants) merchant_locks[m] = x;
  return Status::Ok();
}

Result<Rows> TxContext::LockedProductQuery(std::int64_t merchant, std::string_view sql,
                                           const Params& params) {
  if (!writable || merchant_locks.count(merchant) > 0) return conn.Query(sql, params);
  // The merchant's lock comes before its rows (the global order): shared, so stock updates
  // of one merchant still run side by side, each waiting only for the rows it needs.
  Params lock_params;
  lock_params.Int(merchant);
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      RunPipelined(conn, std::array<Call, 2>{Call{kSharedLock, lock_params}, Call{sql, params}},
                   1));
  merchant_locks[merchant] = false;
  return rows;
}

Result<Rows> TxContext::LockedOrderQuery(std::int64_t merchant, std::string_view sql,
                                         const Params& params) {
  if (!writable) return conn.Query(sql, params);
  auto held = merchant_locks.find(merchant);
  if (held != merchant_locks.end() && held->second) return conn.Query(sql, params);
  // Transaction-level: released by COMMIT or ROLLBACK, never held across units of work. The
  // query runs after the lock is granted, so (at READ COMMITTED) its snapshot includes every
  // decision committed by the previous holder. A work that already holds the shared lock
  // (it locked products first without declaring its orders) waits here for every other
  // holder: works that decide orders declare it (store::WorkLocks) to keep the order.
  Params lock_params;
  lock_params.Int(merchant);
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows,
      RunPipelined(conn, std::array<Call, 2>{Call{kLock, lock_params}, Call{sql, params}}, 1));
  merchant_locks[merchant] = true;
  return rows;
}

Result<Rows> TxContext::LockedOrderScan(std::int64_t merchant, std::string_view sql,
                                        const Params& params) {
  if (!writable) return conn.Query(sql, params);
  Params lock_params;
  lock_params.Int(merchant);
  RESTOCK_ASSIGN_OR_RETURN(
      Rows rows, RunPipelined(conn,
                              std::array<Call, 5>{Call{kSaveMode, {}}, Call{kCustomPlans, {}},
                                                  Call{kLock, lock_params}, Call{sql, params},
                                                  Call{kRestoreMode, {}}},
                              3));
  merchant_locks[merchant] = true;
  return rows;
}

}  // namespace restock::store::postgres
