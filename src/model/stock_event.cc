#include "model/stock_event.h"

#include "model/enum_names.h"

namespace restock::model {

namespace {

constexpr EnumNames<StockSource, 4> kStockSourceNames{{{StockSource::kApi, "api"},
                                                       {StockSource::kFeed, "feed"},
                                                       {StockSource::kPlacement, "placement"},
                                                       {StockSource::kCli, "cli"}}};

}  // namespace

std::string_view StockSourceName(StockSource s) { return NameOf(kStockSourceNames, s); }
std::optional<StockSource> ParseStockSource(std::string_view name) {
  return ValueNamed(kStockSourceNames, name);
}

}  // namespace restock::model
