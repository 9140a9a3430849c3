// restock::catalog — the read side of the product endpoints (GET /products/, GET
// /products/{id}/, GET /products/{id}/stock-history/): one read-only unit of work each.
// Thread-safe (the database is). Nothing here writes.
#pragma once

#include <string_view>
#include <vector>

#include "catalog/held_stock.h"
#include "core/result.h"
#include "model/ids.h"
#include "model/product.h"
#include "model/stock_event.h"
#include "store/database.h"

namespace restock::catalog {

// The merchant's product with its held stock (ReadHeldStock, in the same snapshot). NotFound
// when the merchant has none with that id.
Result<ProductView> GetProduct(store::Database& db, model::MerchantId merchant,
                               std::string_view product_id, const MerchantToday& today);

// One page of the merchant's products (store::ProductRepo::List) with their held stock;
// backward pages are returned in ascending product_id order like forward ones.
Result<std::vector<ProductView>> ListProducts(store::Database& db, model::MerchantId merchant,
                                              const store::ProductFilter& filter,
                                              const store::ProductPage& page,
                                              const MerchantToday& today);

// One page of the product's stock events, newest first in either direction. NotFound when
// the merchant has no such product (its history would otherwise be readable after a delete
// or guessable across merchants — neither is wanted).
Result<std::vector<model::StockEvent>> StockHistory(store::Database& db, model::MerchantId merchant,
                                                    std::string_view product_id,
                                                    const store::StockEventPage& page);

}  // namespace restock::catalog
