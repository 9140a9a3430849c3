#include "model/stock_event.h"

namespace restock::model {

std::string_view StockSourceName(StockSource s) {
  switch (s) {
    case StockSource::kApi: return "api";
    case StockSource::kFeed: return "feed";
    case StockSource::kPlacement: return "placement";
    case StockSource::kCli: return "cli";
  }
  return "api";
}

std::optional<StockSource> ParseStockSource(std::string_view name) {
  for (StockSource s : {StockSource::kApi, StockSource::kFeed, StockSource::kPlacement,
                        StockSource::kCli}) {
    if (StockSourceName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace restock::model
