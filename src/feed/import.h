// restock::feed — bulk product import from files (SPEC §1 `product import`): JSON Lines and
// CSV now, Ordergroove's XML product feed later. Reads a stream record by record and
// upserts in chunks, so memory stays bounded whatever the file size.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "core/result.h"
#include "model/ids.h"

namespace restock::feed {

enum class Format { kJsonLines, kCsv };

// Converts a text cell (CSV, command-line flag) for `field` into the JSON type that field
// expects: "true"/"false"/"1"/"0" for flags, digits for counts, "" or "null" as null for
// nullable fields. Anything else stays text, so validation reports it.
catalog::RawValue RawValueFromText(std::string_view field, const std::string& text);

// Picks the format from a file name's extension (.jsonl, .csv). InvalidArgument otherwise.
Result<Format> FormatForPath(const std::string& path);

struct Rejection {
  std::size_t line = 0;  // 1-based line of the file where the record starts (CSV header = 1)
  catalog::FieldErrors errors;
};

struct ImportSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::vector<Rejection> rejected;
};

struct ImportOptions {
  std::size_t chunk_size = 2000;  // records per transaction
};

// Validates each record and upserts the valid ones with stock events of source `feed`.
// A bad record is rejected with its reasons and does not stop the others. Store errors abort
// the import (chunks already committed stay). InvalidArgument for a CSV without a header.
Result<ImportSummary> ImportProducts(std::istream& in, Format format, model::MerchantId merchant,
                                     catalog::StockService& stock, const ImportOptions& options);

}  // namespace restock::feed
