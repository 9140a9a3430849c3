#include "feed/csv_reader.h"

namespace restock::feed {

std::optional<std::vector<std::string>> CsvReader::Next() {
  malformed_ = false;
  oversized_ = false;
  record_line_ = next_line_;
  std::size_t kept = 0;
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false;
  bool was_quoted = false;
  bool any = false;
  int c;
  while ((c = in_.get()) != EOF) {
    any = true;
    char ch = static_cast<char>(c);
    if (ch == '\n') ++next_line_;
    // Past the limit the record is still parsed (quotes decide where it ends) but its
    // bytes are dropped.
    if (++kept > max_record_bytes_ && !oversized_) {
      oversized_ = true;
      fields.clear();
      fields.shrink_to_fit();
      field.clear();
      field.shrink_to_fit();
    }
    if (in_quotes) {
      if (ch == '"') {
        if (in_.peek() == '"') {
          in_.get();
          if (!oversized_) field += '"';
        } else {
          in_quotes = false;
        }
      } else if (!oversized_) {
        field += ch;
      }
      continue;
    }
    if (ch == '"' && (!field.empty() || was_quoted)) {
      // A quote inside an unquoted field: keep it literally, but the record is malformed.
      malformed_ = true;
      if (!oversized_) field += ch;
    } else if (ch == '"') {
      in_quotes = was_quoted = true;
    } else if (ch == ',') {
      if (!oversized_) fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && in_.peek() == '\n') {
        in_.get();
        ++next_line_;
      } else if (ch == '\r') {
        ++next_line_;
      }
      if (!oversized_) fields.push_back(std::move(field));
      return fields;
    } else {
      if (was_quoted) malformed_ = true;
      if (!oversized_) field += ch;
    }
  }
  if (!any) return std::nullopt;
  if (in_quotes) malformed_ = true;
  if (!oversized_) fields.push_back(std::move(field));
  return fields;
}

}  // namespace restock::feed
