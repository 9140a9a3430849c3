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

}  // namespace restock::model
