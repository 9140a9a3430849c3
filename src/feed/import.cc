#include "feed/import.h"

#include <boost/json/parse.hpp>

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

Status ImportJsonLines(std::istream& in, ChunkedUpsert& sink) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
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

Status ImportCsv(std::istream& in, ChunkedUpsert& sink) {
  CsvReader reader(in);
  auto header = reader.Next();
  if (!header || reader.malformed() || header->empty()) {
    return InvalidArgumentError("CSV file needs a header row naming the product fields");
  }
  while (auto record = reader.Next()) {
    std::size_t row = reader.line();
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
