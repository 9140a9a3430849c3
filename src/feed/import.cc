#include "feed/import.h"

#include <boost/json/parse.hpp>

#include "core/json_text.h"
#include "core/text.h"
#include "feed/chunked_upsert.h"
#include "feed/csv_reader.h"
#include "json/model_json.h"

namespace restock::feed {
namespace {

using catalog::RawElement;
using catalog::RawValue;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Skips a UTF-8 byte order mark at the start of `in`, if there is one.
void SkipBom(std::istream& in) {
  char head[3];
  in.read(head, 3);
  const std::streamsize got = in.gcount();
  if (got == 3 && std::string_view(head, 3) == kBom) return;
  in.clear();
  for (std::streamsize i = got; i > 0; --i) in.putback(head[i - 1]);
}

enum class LineRead { kLine, kTooLong, kEnd };

// Reads one line (without its '\n') into `line`, keeping at most kMaxRecordBytes: a longer
// line is consumed to its end without being kept, so one huge line cannot exhaust memory.
LineRead ReadBoundedLine(std::istream& in, std::string& line) {
  line.clear();
  char buf[64 * 1024];
  bool too_long = false;
  bool any = false;
  for (;;) {
    in.getline(buf, sizeof buf);
    const std::streamsize got = in.gcount();
    any = any || got > 0;
    const bool newline = !in.fail() && got > 0 && !in.eof();
    const std::size_t bytes = static_cast<std::size_t>(got) - (newline ? 1 : 0);
    if (!too_long && line.size() + bytes > kMaxRecordBytes) {
      too_long = true;
      line.clear();
      line.shrink_to_fit();
    }
    if (!too_long) line.append(buf, bytes);
    if (in.eof()) break;
    if (in.fail()) {  // the buffer filled before the end of the line
      in.clear();
      continue;
    }
    break;
  }
  if (!any && in.eof()) return LineRead::kEnd;
  return too_long ? LineRead::kTooLong : LineRead::kLine;
}

std::string TooLongMessage() {
  return "longer than " + std::to_string(kMaxRecordBytes) + " bytes";
}

Status ImportJsonLines(std::istream& in, ChunkedUpsert& sink) {
  SkipBom(in);
  std::string line;
  std::size_t number = 0;
  for (;;) {
    const LineRead read = ReadBoundedLine(in, line);
    if (read == LineRead::kEnd) break;
    ++number;
    if (read == LineRead::kTooLong) {
      sink.Reject(number, 0, TooLongMessage());
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(line, ec);
    if (ec) {
      sink.Reject(number, 0, "invalid JSON: " + ec.message());
      continue;
    }
    RESTOCK_RETURN_IF_ERROR(
        sink.Add(number, 0, catalog::ValidateElement(restock::json::RawElementFromJson(value))));
  }
  return Status::Ok();
}

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

RawValue RawValueFromText(std::string_view column, const std::string& cell) {
  if (column == "live" || column == "discontinued" || column == "autoship_enabled") {
    if (cell == "true" || cell == "1") return RawValue::Bool(true);
    if (cell == "false" || cell == "0") return RawValue::Bool(false);
    return RawValue::String(cell);
  }
  if (column == "inventory" || column == "low_stock_threshold") {
    if (cell.empty() || cell == "null") return RawValue::Null();
    if (AllDigits(cell)) return RawValue::Int(std::stoll(cell));
    return RawValue::String(cell);
  }
  if (column == "price" && (cell.empty() || cell == "null")) return RawValue::Null();
  return RawValue::String(cell);
}

namespace {

// OK for a header whose cells are valid UTF-8 without blanks around them (a column named
// " live" would otherwise be an unknown field, silently ignored).
Status CheckCsvHeader(const std::vector<std::string>& header) {
  for (const std::string& cell : header) {
    if (core::FirstInvalidUtf8(cell)) return InvalidArgumentError("CSV header is not valid UTF-8");
    if (core::TrimBlanks(cell).size() != cell.size()) {
      return InvalidArgumentError("CSV header cell '" + cell + "' has blanks around the name");
    }
  }
  return Status::Ok();
}

// The reason a record's cells are not valid UTF-8, naming the first bad column; empty when
// they all are.
std::string InvalidUtf8Reason(const std::vector<std::string>& header,
                              const std::vector<std::string>& record) {
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (std::optional<std::size_t> at = core::FirstInvalidUtf8(record[i])) {
      return "invalid UTF-8 in column '" + header[i] + "' at byte " + std::to_string(*at + 1);
    }
  }
  return "";
}

Status ImportCsv(std::istream& in, ChunkedUpsert& sink) {
  SkipBom(in);
  CsvReader reader(in, kMaxRecordBytes);
  auto header = reader.Next();
  if (!header || reader.malformed() || reader.oversized() || header->empty()) {
    return InvalidArgumentError("CSV file needs a header row naming the product fields");
  }
  RESTOCK_RETURN_IF_ERROR(CheckCsvHeader(*header));
  while (auto record = reader.Next()) {
    std::size_t row = reader.line();
    if (reader.oversized()) {
      sink.Reject(row, 0, TooLongMessage());
      continue;
    }
    if (record->size() == 1 && (*record)[0].empty()) continue;  // blank line
    if (reader.malformed()) {
      sink.Reject(row, 0, "malformed CSV quoting");
      continue;
    }
    if (record->size() != header->size()) {
      sink.Reject(row, 0, "has " + std::to_string(record->size()) + " fields, the header has " +
                           std::to_string(header->size()));
      continue;
    }
    if (std::string reason = InvalidUtf8Reason(*header, *record); !reason.empty()) {
      sink.Reject(row, 0, std::move(reason));
      continue;
    }
    RawElement element;
    for (std::size_t i = 0; i < header->size(); ++i) {
      element.fields.emplace_back((*header)[i], RawValueFromText((*header)[i], (*record)[i]));
    }
    RESTOCK_RETURN_IF_ERROR(sink.Add(row, 0, catalog::ValidateElement(element)));
  }
  return Status::Ok();
}

}  // namespace

Result<Format> FormatForPath(const std::string& path) {
  if (EndsWith(path, ".jsonl")) return Format::kJsonLines;
  if (EndsWith(path, ".csv")) return Format::kCsv;
  if (EndsWith(path, ".xml")) return Format::kXml;
  return InvalidArgumentError("unsupported file type '" + path + "': use .xml, .jsonl or .csv");
}

Result<ImportSummary> ImportProducts(std::istream& in, Format format, model::MerchantId merchant,
                                     catalog::StockService& stock, const ImportOptions& options) {
  ChunkedUpsert sink(merchant, stock, options, [&in]() -> std::uint64_t {
    std::streampos at = in.tellg();
    return at < 0 ? 0 : static_cast<std::uint64_t>(at);
  });
  Status read;
  switch (format) {
    case Format::kCsv: read = ImportCsv(in, sink); break;
    case Format::kJsonLines: read = ImportJsonLines(in, sink); break;
    case Format::kXml: read = ImportXml(in, sink); break;
  }
  RESTOCK_RETURN_IF_ERROR(read);
  RESTOCK_RETURN_IF_ERROR(sink.Flush());
  return sink.Take();
}

}  // namespace restock::feed
