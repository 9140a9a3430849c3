#include <array>
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

Result<Rows> TxContext::LockedOrderQuery(std::int64_t merchant, std::string_view sql,
                                         const Params& params) {
  if (!writable) return conn.Query(sql, params);
  // Transaction-level: released by COMMIT or ROLLBACK, never held across units of work. The
  // query runs after the lock is granted, so (at READ COMMITTED) its snapshot includes every
  // decision committed by the previous holder.
  Params lock_params;
  lock_params.Int(merchant);
  return RunPipelined(conn, std::array<Call, 2>{Call{kLock, lock_params}, Call{sql, params}}, 1);
}

Result<Rows> TxContext::LockedOrderScan(std::int64_t merchant, std::string_view sql,
                                        const Params& params) {
  if (!writable) return conn.Query(sql, params);
  Params lock_params;
  lock_params.Int(merchant);
  return RunPipelined(conn,
                      std::array<Call, 5>{Call{kSaveMode, {}}, Call{kCustomPlans, {}},
                                          Call{kLock, lock_params}, Call{sql, params},
                                          Call{kRestoreMode, {}}},
                      3);
}

}  // namespace restock::store::postgres
