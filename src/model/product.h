// restock::model — a merchant's product and a partial update to one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace restock::model {

// Field length limits from Ordergroove's product feed.
inline constexpr std::size_t kMaxProductIdBytes = 64;
inline constexpr std::size_t kMaxSkuBytes = 64;
inline constexpr std::size_t kMaxNameBytes = 1024;
inline constexpr std::size_t kMaxUrlBytes = 400;

struct Product {
  std::string product_id;  // the merchant's external id, 1..64 bytes
  std::string sku;
  std::string name;
  std::optional<std::int64_t> price_cents;  // nullopt = no price known
  bool live = true;
  bool discontinued = false;
  bool autoship_enabled = true;
  std::string image_url;
  std::string detail_url;
  std::optional<std::int64_t> inventory;            // nullopt = untracked
  std::optional<std::int64_t> low_stock_threshold;  // nullopt = none
  UnixMicros created = 0;
  UnixMicros last_update = 0;

  bool operator==(const Product&) const = default;
};

// A validated partial update: each engaged field replaces the product's value.
// For nullable fields the inner optional carries the new value, nullopt meaning null.
// `inventory_adjust` and `if_inventory` do not replace a value: they are applied against the
// stored inventory (catalog::ApplyPatches; docs/api.md "Inventory writes that cannot
// oversell"). A validated patch never carries both `inventory` and `inventory_adjust`.
struct ProductPatch {
  std::string product_id;
  std::optional<std::string> sku;
  std::optional<std::string> name;
  std::optional<std::optional<std::int64_t>> price_cents;
  std::optional<bool> live;
  std::optional<bool> discontinued;
  std::optional<bool> autoship_enabled;
  std::optional<std::string> image_url;
  std::optional<std::string> detail_url;
  std::optional<std::optional<std::int64_t>> inventory;
  std::optional<std::optional<std::int64_t>> low_stock_threshold;
  std::optional<std::int64_t> inventory_adjust;  // added to the tracked inventory
  // Applies only when the stored inventory equals it (nullopt inside: untracked).
  std::optional<std::optional<std::int64_t>> if_inventory;

  bool operator==(const ProductPatch&) const = default;
};

}  // namespace restock::model
