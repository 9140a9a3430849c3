#include "placement/restock_trigger.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "catalog/availability.h"

namespace restock::placement {

void RestockTrigger::OnStockEvents(model::MerchantId merchant,
                                   const std::vector<model::StockEvent>& events) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool any = false;
    for (const auto& e : events) {
      if (!catalog::IsRestock(e.previous, e.current)) continue;
      pending_[merchant].insert(e.product_id);
      any = true;
    }
    if (!any || posted_) return;
    posted_ = true;
  }
  background_([this] { Drain(); });
}

void RestockTrigger::Drain() {
  for (;;) {
    std::map<model::MerchantId, std::set<std::string>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pending_.empty()) {
        posted_ = false;
        return;
      }
      batch.swap(pending_);
    }
    for (auto& [merchant, ids] : batch) {
      Status s = Retry(merchant, std::vector<std::string>(ids.begin(), ids.end()));
      if (!s.ok()) {
        spdlog::error("restock retry for merchant {} failed: {}", merchant, s.ToString());
      }
    }
  }
}

Status RestockTrigger::Retry(model::MerchantId merchant_id, std::vector<std::string> product_ids) {
  std::vector<model::Merchant> merchants;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(merchants, tx.merchants().ListAll());
    return Status::Ok();
  }));
  auto it = std::find_if(merchants.begin(), merchants.end(),
                         [&](const model::Merchant& m) { return m.id == merchant_id; });
  if (it == merchants.end()) return NotFoundError("merchant vanished");
  RESTOCK_ASSIGN_OR_RETURN(CivilDate today, zones_.LocalDate(*it, clock_.NowMicros()));
  RESTOCK_ASSIGN_OR_RETURN(PlacementSummary s,
                           placement_.RetryWaiting(*it, std::move(product_ids), today));
  if (s.considered > 0) {
    spdlog::info("restock retry for {}: {} waiting orders, {} placed, {} still out of stock",
                 it->public_id, s.considered, s.placed, s.still_out_of_stock + s.out_of_stock);
  }
  return Status::Ok();
}

}  // namespace restock::placement
