#include "placement/oos_prediction.h"

#include <algorithm>
#include <span>
#include <string_view>

namespace restock::placement {
namespace {

// Events written per transaction: bounds a transaction on a morning with many short orders.
constexpr std::size_t kMarksPerTransaction = 1000;

}  // namespace

std::vector<PredictedShortfall> ProjectShortfalls(
    std::vector<model::Order> held,
    const std::map<std::string, std::optional<std::int64_t>, std::less<>>& inventory,
    CivilDate date, CivilDate warn_end) {
  auto rank = [](const model::Order& o) {
    return o.status == model::OrderStatus::kOutOfStock ? 0 : 1;
  };
  std::sort(held.begin(), held.end(), [&](const model::Order& a, const model::Order& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (a.place_date != b.place_date) return a.place_date < b.place_date;
    return a.id < b.id;
  });
  std::map<std::string, std::int64_t, std::less<>> left;
  for (const auto& [id, units] : inventory) {
    if (units) left.emplace(id, *units);
  }
  std::vector<PredictedShortfall> short_orders;
  for (const model::Order& order : held) {
    const bool warned = order.status == model::OrderStatus::kUnsent && date < order.place_date &&
                        !(warn_end < order.place_date);
    std::optional<PredictedShortfall> shortfall;
    for (const model::OrderItem& item : order.items) {
      auto it = left.find(item.product_id);
      if (it == left.end()) continue;
      if (warned && !shortfall && it->second < item.quantity) {
        shortfall = PredictedShortfall{order.id, item.product_id,
                                       item.quantity - std::max<std::int64_t>(it->second, 0)};
      }
      it->second -= item.quantity;
    }
    if (shortfall) short_orders.push_back(std::move(*shortfall));
  }
  return short_orders;
}

Result<std::size_t> PredictOutOfStock(store::Database& db, const model::Merchant& merchant,
                                      CivilDate date, UnixMicros now) {
  if (merchant.oos_warn_days <= 0) return std::size_t{0};
  const CivilDate warn_end = CivilFromDays(DaysFromCivil(date) + merchant.oos_warn_days);
  std::vector<model::Order> held;
  std::map<std::string, std::optional<std::int64_t>, std::less<>> inventory;
  RESTOCK_RETURN_IF_ERROR(db.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(held, tx.orders().ListHeld(merchant.id, warn_end));
    std::vector<std::string_view> ids;
    for (const model::Order& o : held) {
      for (const model::OrderItem& item : o.items) {
        if (inventory.emplace(item.product_id, std::nullopt).second) ids.push_back(item.product_id);
      }
    }
    RESTOCK_ASSIGN_OR_RETURN(auto products, tx.products().FindMany(merchant.id, ids));
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (products[k]) inventory.find(ids[k])->second = products[k]->inventory;
    }
    return Status::Ok();
  }));
  const std::vector<PredictedShortfall> short_orders =
      ProjectShortfalls(std::move(held), inventory, date, warn_end);

  std::size_t written = 0;
  for (std::size_t begin = 0; begin < short_orders.size(); begin += kMarksPerTransaction) {
    const std::size_t end = std::min(short_orders.size(), begin + kMarksPerTransaction);
    std::size_t marked = 0;
    RESTOCK_RETURN_IF_ERROR(db.RunInTransaction(
        [&](store::Transaction& tx) -> Status {
          marked = 0;  // a retried transaction starts again
          std::vector<model::OrderEvent> events;
          for (std::size_t k = begin; k < end; ++k) {
            const PredictedShortfall& s = short_orders[k];
            RESTOCK_ASSIGN_OR_RETURN(bool first, tx.orders().MarkOosPredicted(merchant.id,
                                                                              s.order_id));
            if (!first) continue;
            events.push_back(model::OrderEvent{.merchant_id = merchant.id,
                                               .order_id = s.order_id,
                                               .type = model::OrderEventType::kOosPredicted,
                                               .date = date,
                                               .created = now,
                                               .product_id = s.product_id,
                                               .quantity = s.missing});
          }
          marked = events.size();
          if (events.empty()) return Status::Ok();
          return tx.order_events().Append(events);
        },
        // Marks the merchant's orders: its order lock, as placement's decisions take it.
        store::WorkLocks{merchant.id, true, {}}));
    written += marked;
  }
  return written;
}

}  // namespace restock::placement
