#include "catalog/product_queries.h"

#include <algorithm>
#include <string>
#include <utility>

namespace restock::catalog {

namespace {

// `products` with their held stock, read in `tx`.
Result<std::vector<ProductView>> WithHeldStock(store::Transaction& tx, model::MerchantId merchant,
                                               std::vector<model::Product> products,
                                               const MerchantToday& today) {
  std::vector<StockLevel> levels;
  levels.reserve(products.size());
  for (const model::Product& p : products) levels.push_back({p.product_id, p.inventory});
  RESTOCK_ASSIGN_OR_RETURN(std::vector<HeldStock> held,
                           ReadHeldStock(tx, merchant, levels, today));
  std::vector<ProductView> views;
  views.reserve(products.size());
  for (std::size_t k = 0; k < products.size(); ++k) {
    views.push_back(ProductView{std::move(products[k]), held[k]});
  }
  return views;
}

}  // namespace

Result<ProductView> GetProduct(store::Database& db, model::MerchantId merchant,
                               std::string_view product_id, const MerchantToday& today) {
  std::vector<ProductView> views;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<model::Product> product,
                             tx.products().Find(merchant, product_id));
    if (!product) return Status::Ok();
    std::vector<model::Product> one;
    one.push_back(std::move(*product));
    RESTOCK_ASSIGN_OR_RETURN(views, WithHeldStock(tx, merchant, std::move(one), today));
    return Status::Ok();
  }));
  if (views.empty()) return NotFoundError("Not found.");
  return std::move(views.front());
}

Result<std::vector<ProductView>> ListProducts(store::Database& db, model::MerchantId merchant,
                                              const store::ProductFilter& filter,
                                              const store::ProductPage& page,
                                              const MerchantToday& today) {
  std::vector<ProductView> views;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Product> products,
                             tx.products().List(merchant, filter, page));
    RESTOCK_ASSIGN_OR_RETURN(views, WithHeldStock(tx, merchant, std::move(products), today));
    return Status::Ok();
  }));
  if (page.before) std::reverse(views.begin(), views.end());
  return views;
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
