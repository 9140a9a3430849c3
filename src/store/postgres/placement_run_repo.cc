#include "store/postgres/repos.h"

namespace restock::store::postgres {
namespace {

constexpr std::string_view kSelectLastCompleted =
    "SELECT date FROM placement_runs WHERE merchant_id = $1 ORDER BY date DESC LIMIT 1";
// Recording a day again (another node finished the same run) keeps the first completion.
constexpr std::string_view kInsertRun =
    "INSERT INTO placement_runs (merchant_id, date, completed) VALUES ($1, $2, $3) "
    "ON CONFLICT (merchant_id, date) DO NOTHING";

}  // namespace

Result<std::optional<CivilDate>> PgPlacementRunRepo::LastCompleted(model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(Rows rows, cx_.conn.Query(kSelectLastCompleted, Params().Int(merchant)));
  if (rows.size() == 0) return std::optional<CivilDate>();
  RESTOCK_ASSIGN_OR_RETURN(CivilDate date, rows.Date(0, 0));
  return std::optional<CivilDate>(date);
}

Status PgPlacementRunRepo::RecordCompleted(model::MerchantId merchant, CivilDate date,
                                           UnixMicros at) {
  return cx_.conn.Query(kInsertRun, Params().Int(merchant).Date(date).Int(at)).status();
}

}  // namespace restock::store::postgres
