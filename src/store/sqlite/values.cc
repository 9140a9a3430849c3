#include "store/sqlite/values.h"

#include <limits>
#include <string_view>

namespace restock::store::sqlite {

void BindDate(Statement& stmt, int index, CivilDate date) {
  // FormatDate's snprintf costs as much as a small SQLite statement, and placement binds a
  // few dates per order; this writes the same 'YYYY-MM-DD' for the years it can hold.
  if (date.year < 0 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > 31) {
    stmt.BindText(index, FormatDate(date));
    return;
  }
  char text[10];
  auto put = [&text](int at, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      text[at + i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, date.year, 4);
  text[4] = '-';
  put(5, date.month, 2);
  text[7] = '-';
  put(8, date.day, 2);
  stmt.BindText(index, std::string_view(text, sizeof text));
}

void BindOptionalDate(Statement& stmt, int index, const std::optional<CivilDate>& date) {
  if (date.has_value()) {
    BindDate(stmt, index, *date);
  } else {
    stmt.BindNull(index);
  }
}

Result<CivilDate> ColumnDate(const Statement& stmt, int column) {
  std::optional<CivilDate> date = ParseDate(stmt.ColumnView(column));
  if (!date) return InternalError("database error: malformed date stored");
  return *date;
}

Result<std::optional<CivilDate>> ColumnOptionalDate(const Statement& stmt, int column) {
  if (stmt.ColumnIsNull(column)) return std::optional<CivilDate>();
  RESTOCK_ASSIGN_OR_RETURN(CivilDate date, ColumnDate(stmt, column));
  return std::optional<CivilDate>(date);
}

}  // namespace restock::store::sqlite
