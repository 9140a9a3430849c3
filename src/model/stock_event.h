// restock::model — a change of a product's stock state (docs/api.md "Stock events").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "model/ids.h"

namespace restock::model {

enum class StockSource { kApi, kFeed, kPlacement, kCli };

// "api", "feed", "placement", "cli".
std::string_view StockSourceName(StockSource s);
// Inverse of StockSourceName; nullopt for anything else.
std::optional<StockSource> ParseStockSource(std::string_view name);

// The stock-relevant part of a product.
struct StockState {
  bool live = true;
  bool discontinued = false;
  std::optional<std::int64_t> inventory;
  bool operator==(const StockState&) const = default;
};

struct StockEvent {
  std::int64_t id = 0;  // assigned by the store
  MerchantId merchant_id = 0;
  std::string product_id;
  StockState previous;
  StockState current;
  StockSource source = StockSource::kApi;
  UnixMicros created = 0;
};

}  // namespace restock::model
