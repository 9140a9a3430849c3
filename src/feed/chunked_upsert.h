// restock::feed — internal to feed/: collects validated records and upserts them a chunk
// per transaction through StockService (stock events with source `feed`), counting the
// outcomes and rejections for the import summary. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/stock_update.h"
#include "catalog/validation.h"
#include "feed/import.h"

namespace restock::feed {

class ChunkedUpsert {
 public:
  // `position` tells how many input bytes were consumed, for progress reports.
  ChunkedUpsert(model::MerchantId merchant, catalog::StockService& stock,
                const ImportOptions& options, std::function<std::uint64_t()> position)
      : merchant_(merchant),
        stock_(stock),
        chunk_size_(options.chunk_size == 0 ? 1 : options.chunk_size),
        progress_(options.progress),
        position_(std::move(position)) {}

  // Queues a valid record, or records the rejection of an invalid one. Flushes a full chunk.
  Status Add(std::size_t line, std::size_t element, catalog::ValidatedElement v) {
    ++records_;
    if (!v.patch) {
      summary_.rejected.push_back(Rejection{line, element, std::move(v.errors)});
      return Status::Ok();
    }
    patches_.push_back(std::move(*v.patch));
    positions_.emplace_back(line, element);
    return patches_.size() >= chunk_size_ ? Flush() : Status::Ok();
  }

  void Reject(std::size_t line, std::size_t element, std::string message) {
    ++records_;
    summary_.rejected.push_back(
        Rejection{line, element, {{"non_field_errors", {std::move(message)}}}});
  }

  Status Flush() {
    if (!patches_.empty()) {
      RESTOCK_ASSIGN_OR_RETURN(catalog::PatchResults results,
                               stock_.Upsert(merchant_, patches_, model::StockSource::kFeed));
      for (std::size_t k = 0; k < results.outcomes.size(); ++k) {
        switch (results.outcomes[k]) {
          case catalog::PatchOutcome::kCreated:
            ++summary_.created;
            break;
          case catalog::PatchOutcome::kUpdated:
            ++summary_.updated;
            break;
          case catalog::PatchOutcome::kUnchanged:
            ++summary_.unchanged;
            break;
          case catalog::PatchOutcome::kConflict:
            summary_.rejected.push_back(Rejection{positions_[k].first, positions_[k].second,
                                                  ConflictErrors(results.conflicts[k])});
            break;
          case catalog::PatchOutcome::kNotFound:  // upserts create instead
          case catalog::PatchOutcome::kAlreadyExists:
            break;
        }
      }
      patches_.clear();
      positions_.clear();
    }
    if (progress_) {
      // Positions can read as unknown (0) at the end of a stream; never report going back.
      if (position_) bytes_ = std::max(bytes_, position_());
      progress_(ImportProgress{records_, bytes_});
    }
    return Status::Ok();
  }

  ImportSummary Take() { return std::move(summary_); }

  // Replaces the source of input positions (a reader that buffers ahead knows better).
  void set_position(std::function<std::uint64_t()> position) { position_ = std::move(position); }

 private:
  // A record whose if_inventory / inventory_adjust did not hold (catalog::Conflicts).
  static catalog::FieldErrors ConflictErrors(const catalog::PatchResults::Conflict& c) {
    std::string message(catalog::ConflictMessage(c.reason));
    message += c.inventory ? " Stored inventory: " + std::to_string(*c.inventory) + "."
                           : std::string(" The inventory is untracked.");
    return {{"non_field_errors", {std::move(message)}}};
  }

  model::MerchantId merchant_;
  catalog::StockService& stock_;
  std::size_t chunk_size_;
  std::function<void(const ImportProgress&)> progress_;
  std::function<std::uint64_t()> position_;
  std::vector<model::ProductPatch> patches_;
  std::vector<std::pair<std::size_t, std::size_t>> positions_;  // (line, element) per patch
  std::size_t records_ = 0;
  std::uint64_t bytes_ = 0;
  ImportSummary summary_;
};

// Reads Ordergroove's XML product feed from `in` into `sink` (xml_import.cc).
// REQUIRES: `in` is seekable: the feed is checked whole before anything is written.
Status ImportXml(std::istream& in, ChunkedUpsert& sink);

}  // namespace restock::feed
