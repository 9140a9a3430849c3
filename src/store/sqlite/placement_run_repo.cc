#include "store/sqlite/repos.h"
#include "store/sqlite/values.h"

namespace restock::store::sqlite {
namespace {

// Dates are stored as 'YYYY-MM-DD', so the text maximum is the latest day.
constexpr std::string_view kSelectLastCompleted =
    "SELECT date FROM placement_runs WHERE merchant_id = ?1 ORDER BY date DESC LIMIT 1";
constexpr std::string_view kInsertRun =
    "INSERT INTO placement_runs (merchant_id, date, completed) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (merchant_id, date) DO NOTHING";

}  // namespace

Result<std::optional<CivilDate>> SqlitePlacementRunRepo::LastCompleted(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kSelectLastCompleted));
  stmt.BindInt64(1, merchant);
  RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<CivilDate>();
  RESTOCK_ASSIGN_OR_RETURN(CivilDate date, ColumnDate(stmt, 0));
  return std::optional<CivilDate>(date);
}

Status SqlitePlacementRunRepo::RecordCompleted(model::MerchantId merchant, CivilDate date,
                                               UnixMicros at) {
  RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn_.Prepare(kInsertRun));
  stmt.BindInt64(1, merchant);
  BindDate(stmt, 2, date);
  stmt.BindInt64(3, at);
  return stmt.Run();
}

}  // namespace restock::store::sqlite
