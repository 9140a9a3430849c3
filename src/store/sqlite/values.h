// restock::store::sqlite — how domain values are stored in columns: dates as 'YYYY-MM-DD'
// text (which sorts like the dates). Internal to store/sqlite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/result.h"
#include "core/time_format.h"
#include "store/sqlite/connection.h"

namespace restock::store::sqlite {

void BindDate(Statement& stmt, int index, CivilDate date);
// Binds NULL for nullopt.
void BindOptionalDate(Statement& stmt, int index, const std::optional<CivilDate>& date);

// Internal when the column does not hold a valid date (a broken invariant: only BindDate
// writes these columns).
Result<CivilDate> ColumnDate(const Statement& stmt, int column);
// nullopt for NULL.
Result<std::optional<CivilDate>> ColumnOptionalDate(const Statement& stmt, int column);

}  // namespace restock::store::sqlite
