// restock::feed — an RFC 4180 CSV record reader (quoted fields, "" escapes, CRLF or LF,
// newlines inside quotes). Not thread-safe; reads from a stream it does not own.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace restock::feed {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}
  // Returns the next record, or nullopt at end of input. A record that is malformed (a quote
  // inside an unquoted field, an unterminated quote) is returned with `malformed()` true.
  std::optional<std::vector<std::string>> Next();
  bool malformed() const { return malformed_; }
  // The 1-based line on which the record last returned by Next() started.
  std::size_t line() const { return record_line_; }

 private:
  std::istream& in_;
  bool malformed_ = false;
  std::size_t next_line_ = 1;
  std::size_t record_line_ = 0;
};

}  // namespace restock::feed
