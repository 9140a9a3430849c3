// restock::feed — bulk product import from files (`product import`, docs/catalog.md): JSON Lines,
// CSV and Ordergroove's XML Product Feed. Reads a stream record by record and upserts in
// chunks, so memory stays bounded whatever the file size (the XML import also keeps 8 bytes
// per product to find duplicate ids).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "core/result.h"
#include "model/ids.h"

namespace restock::feed {

enum class Format { kJsonLines, kCsv, kXml };

// Converts a text cell (CSV, command-line flag) for `field` into the JSON type that field
// expects: "true"/"false"/"1"/"0" for flags, digits for counts, "" or "null" as null for
// nullable fields. Anything else stays text, so validation reports it.
catalog::RawValue RawValueFromText(std::string_view field, const std::string& text);

// Picks the format from a file name's extension (.jsonl, .csv, .xml). InvalidArgument
// otherwise.
Result<Format> FormatForPath(const std::string& path);

struct Rejection {
  std::size_t line = 0;  // 1-based line of the file where the record starts (CSV header = 1)
  std::size_t element = 0;  // XML: 1-based position of the <product> element; else 0
  catalog::FieldErrors errors;
};

struct ImportSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::vector<Rejection> rejected;
};

struct ImportProgress {
  std::size_t records = 0;  // records read so far (imported or rejected)
  std::uint64_t bytes = 0;  // input bytes consumed so far
};

struct ImportOptions {
  std::size_t chunk_size = 2000;  // records per transaction
  // Called after each chunk is committed, on the importing thread. May be empty.
  std::function<void(const ImportProgress&)> progress;
};

// Validates each record and upserts the valid ones with stock events of source `feed`.
// A bad record is rejected with its reasons and does not stop the others. Store errors abort
// the import (chunks already committed stay). InvalidArgument for a CSV without a header.
// XML (REQUIRES a seekable stream): the whole feed is first checked to be well-formed; a
// malformed or refused feed is InvalidArgument with nothing written. In a feed, `in_stock`
// is `live`, `autoship_eligible` is `autoship_enabled` and `details_url` is `detail_url`
// (rejections name the feed's tags); `every` / `every_period` are validated, not stored; a
// product_id seen earlier in the same feed is rejected.
Result<ImportSummary> ImportProducts(std::istream& in, Format format, model::MerchantId merchant,
                                     catalog::StockService& stock, const ImportOptions& options);

}  // namespace restock::feed
