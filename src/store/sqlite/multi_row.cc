#include "store/sqlite/multi_row.h"

namespace restock::store::sqlite {

MultiRowSql::MultiRowSql(std::string_view prefix, int columns, std::string_view suffix)
    : columns_(columns) {
  std::string row = "(";
  for (int c = 0; c < columns; ++c) row += c == 0 ? "?" : ",?";
  row += ")";
  for (std::size_t k = 0; k < kSizes; ++k) {
    std::string& sql = sql_[k];
    sql = prefix;
    for (std::size_t r = 0; r < (std::size_t{1} << k); ++r) {
      if (r > 0) sql += ',';
      sql += row;
    }
    sql += suffix;
  }
}

Status MultiRowSql::ForEachStatement(Connection& conn, std::size_t rows, const Binder& bind,
                                     const std::function<Status(Statement&)>& each) const {
  std::size_t done = 0;
  while (done < rows) {
    std::size_t k = kSizes - 1;
    while ((std::size_t{1} << k) > rows - done) --k;
    const std::size_t n = std::size_t{1} << k;
    RESTOCK_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(sql_[k]));
    for (std::size_t r = 0; r < n; ++r) bind(stmt, 1 + static_cast<int>(r) * columns_, done + r);
    RESTOCK_RETURN_IF_ERROR(each(stmt));
    done += n;
  }
  return Status::Ok();
}

Result<std::int64_t> MultiRowSql::Run(Connection& conn, std::size_t rows,
                                      const Binder& bind) const {
  std::int64_t changed = 0;
  RESTOCK_RETURN_IF_ERROR(ForEachStatement(conn, rows, bind, [&](Statement& stmt) -> Status {
    RESTOCK_RETURN_IF_ERROR(stmt.Run());
    changed += conn.Changes();
    return Status::Ok();
  }));
  return changed;
}

Status MultiRowSql::Query(Connection& conn, std::size_t rows, const Binder& bind,
                          const Reader& read) const {
  return ForEachStatement(conn, rows, bind, [&](Statement& stmt) -> Status {
    for (;;) {
      RESTOCK_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
      if (!has_row) return Status::Ok();
      RESTOCK_RETURN_IF_ERROR(read(stmt));
    }
  });
}

}  // namespace restock::store::sqlite
