#include "feed/import.h"

#include <boost/json/parse.hpp>

#include "feed/csv_reader.h"
#include "json/model_json.h"

namespace restock::feed {
namespace {

using catalog::RawElement;
using catalog::RawValue;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Collects valid records and upserts them a chunk at a time.
class ChunkedUpsert {
 public:
  ChunkedUpsert(model::MerchantId merchant, catalog::StockService& stock, std::size_t chunk_size)
      : merchant_(merchant), stock_(stock), chunk_size_(chunk_size) {}

  Status Add(std::size_t line, const RawElement& element) {
    catalog::ValidatedElement v = catalog::ValidateElement(element);
    if (!v.patch) {
      summary_.rejected.push_back(Rejection{line, std::move(v.errors)});
      return Status::Ok();
    }
    patches_.push_back(std::move(*v.patch));
    return patches_.size() >= chunk_size_ ? Flush() : Status::Ok();
  }

  void Reject(std::size_t line, std::string message) {
    summary_.rejected.push_back(Rejection{line, {{"non_field_errors", {std::move(message)}}}});
  }

  Status Flush() {
    if (patches_.empty()) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(auto outcomes,
                             stock_.Upsert(merchant_, patches_, model::StockSource::kFeed));
    for (catalog::PatchOutcome o : outcomes) {
      switch (o) {
        case catalog::PatchOutcome::kCreated: ++summary_.created; break;
        case catalog::PatchOutcome::kUpdated: ++summary_.updated; break;
        case catalog::PatchOutcome::kUnchanged: ++summary_.unchanged; break;
        case catalog::PatchOutcome::kNotFound:       // upserts create instead
        case catalog::PatchOutcome::kAlreadyExists: break;
      }
    }
    patches_.clear();
    return Status::Ok();
  }

  ImportSummary Take() { return std::move(summary_); }

 private:
  model::MerchantId merchant_;
  catalog::StockService& stock_;
  std::size_t chunk_size_;
  std::vector<model::ProductPatch> patches_;
  ImportSummary summary_;
};

Status ImportJsonLines(std::istream& in, ChunkedUpsert& sink) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(line, ec);
    if (ec) {
      sink.Reject(number, "invalid JSON: " + ec.message());
      continue;
    }
    RESTOCK_RETURN_IF_ERROR(sink.Add(number, restock::json::RawElementFromJson(value)));
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
      sink.Reject(row, "malformed CSV quoting");
      continue;
    }
    if (record->size() != header->size()) {
      sink.Reject(row, "has " + std::to_string(record->size()) + " fields, the header has " +
                           std::to_string(header->size()));
      continue;
    }
    RawElement element;
    for (std::size_t i = 0; i < header->size(); ++i) {
      element.fields.emplace_back((*header)[i], RawValueFromText((*header)[i], (*record)[i]));
    }
    RESTOCK_RETURN_IF_ERROR(sink.Add(row, element));
  }
  return Status::Ok();
}

}  // namespace

Result<Format> FormatForPath(const std::string& path) {
  if (EndsWith(path, ".jsonl")) return Format::kJsonLines;
  if (EndsWith(path, ".csv")) return Format::kCsv;
  return InvalidArgumentError("unsupported file type '" + path + "': use .jsonl or .csv");
}

Result<ImportSummary> ImportProducts(std::istream& in, Format format, model::MerchantId merchant,
                                     catalog::StockService& stock, const ImportOptions& options) {
  ChunkedUpsert sink(merchant, stock, options.chunk_size == 0 ? 1 : options.chunk_size);
  Status read = format == Format::kCsv ? ImportCsv(in, sink) : ImportJsonLines(in, sink);
  RESTOCK_RETURN_IF_ERROR(read);
  RESTOCK_RETURN_IF_ERROR(sink.Flush());
  return sink.Take();
}

}  // namespace restock::feed
