// restock::store::sqlite — writing many rows with few statements. Internal to store/sqlite.
//
// Every statement execution costs SQLite a fixed amount beyond its B-tree work (opening a
// cursor per index, closing and freeing them, the foreign-key and autocommit checks at the
// end; docs/decisions.md, "Placement"). A MultiRowSql runs one statement for up to kMaxRows
// rows instead, as `prefix (?,…),(?,…) suffix`.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace restock::store::sqlite {

class MultiRowSql {
 public:
  // Statements hold 1, 2, 4, … kMaxRows rows: a count of rows runs as its binary digits, so
  // at most kSizes statements are ever prepared per MultiRowSql.
  static constexpr std::size_t kSizes = 7;
  static constexpr std::size_t kMaxRows = std::size_t{1} << (kSizes - 1);

  // `columns` parameters per row. `prefix` ends where the first "(" of the rows goes;
  // `suffix` (may be empty) follows the last ")".
  MultiRowSql(std::string_view prefix, int columns, std::string_view suffix);

  // Runs the statements for `rows` rows, in row order. bind(stmt, first, row) binds row
  // `row`'s values to parameters first … first + columns - 1. Returns the rows changed
  // (sqlite3_changes summed over the statements) or the first error; rows of statements run
  // before an error stay written (the caller's transaction or savepoint undoes them).
  using Binder = std::function<void(Statement&, int, std::size_t)>;
  Result<std::int64_t> Run(Connection& conn, std::size_t rows, const Binder& bind) const;

  // For a SELECT: as Run, and read(stmt) is called for every result row of every statement
  // (statements run in row order); its first error stops the run and is returned.
  using Reader = std::function<Status(const Statement&)>;
  Status Query(Connection& conn, std::size_t rows, const Binder& bind, const Reader& read) const;

 private:
  // Prepares and binds the statements covering `rows` rows (largest first) and calls
  // each(stmt) on every one, in row order; stops at the first error.
  Status ForEachStatement(Connection& conn, std::size_t rows, const Binder& bind,
                          const std::function<Status(Statement&)>& each) const;

  int columns_;
  std::array<std::string, kSizes> sql_;  // sql_[k] holds 2^k rows
};

}  // namespace restock::store::sqlite
