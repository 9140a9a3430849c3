// restock::feed — an RFC 4180 CSV record reader (quoted fields, "" escapes, CRLF or LF,
// newlines inside quotes). Memory is bounded: a record longer than the limit is skipped to
// its end and reported, not buffered. Not thread-safe; reads from a stream it does not own.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace restock::feed {

class CsvReader {
 public:
  // `max_record_bytes`: the longest record kept, in bytes of input.
  explicit CsvReader(std::istream& in, std::size_t max_record_bytes = 1 << 20)
      : in_(in), max_record_bytes_(max_record_bytes) {}
  // Returns the next record, or nullopt at end of input. A record that is malformed (a quote
  // inside an unquoted field, an unterminated quote) is returned with `malformed()` true; one
  // over the size limit is returned empty with `oversized()` true.
  std::optional<std::vector<std::string>> Next();
  bool malformed() const { return malformed_; }
  bool oversized() const { return oversized_; }
  // The 1-based line on which the record last returned by Next() started.
  std::size_t line() const { return record_line_; }

 private:
  std::istream& in_;
  const std::size_t max_record_bytes_;
  bool malformed_ = false;
  bool oversized_ = false;
  std::size_t next_line_ = 1;
  std::size_t record_line_ = 0;
};

}  // namespace restock::feed
