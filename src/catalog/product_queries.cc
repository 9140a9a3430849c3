#include "catalog/product_queries.h"

#include <algorithm>
#include <string>
#include <utility>

namespace restock::catalog {

Result<model::Product> GetProduct(store::Database& db, model::MerchantId merchant,
                                  std::string_view product_id) {
  std::optional<model::Product> product;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(product, tx.products().Find(merchant, product_id));
    return Status::Ok();
  }));
  if (!product) return NotFoundError("Not found.");
  return std::move(*product);
}

Result<std::vector<model::Product>> ListProducts(store::Database& db, model::MerchantId merchant,
                                                 const store::ProductFilter& filter,
                                                 const store::ProductPage& page) {
  std::vector<model::Product> products;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(products, tx.products().List(merchant, filter, page));
    return Status::Ok();
  }));
  if (page.before) std::reverse(products.begin(), products.end());
  return products;
}

Result<std::vector<model::StockEvent>> StockHistory(store::Database& db, model::MerchantId merchant,
                                                    std::string_view product_id,
                                                    const store::StockEventPage& page) {
  std::vector<model::StockEvent> events;
  bool exists = false;
  // One snapshot for both reads: the product and the history agree.
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(auto product, tx.products().Find(merchant, product_id));
    exists = product.has_value();
    if (!exists) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(events, tx.stock_events().ListPage(merchant, product_id, page));
    return Status::Ok();
  }));
  if (!exists) return NotFoundError("Not found.");
  if (page.newer_than) std::reverse(events.begin(), events.end());
  return events;
}

}  // namespace restock::catalog
