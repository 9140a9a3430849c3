#include "placement/restock_trigger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <thread>
#include <vector>

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
    if (gather_.count() > 0) std::this_thread::sleep_for(gather_);
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
  bool any_waiting = false;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    // Most restocks have no order waiting on them. Looking first on a reader keeps those
    // off the writer: the retry itself is a write work in a group commit, and the updates
    // that trigger it come one group after another. Every order waiting on these products
    // went out of stock before they came back (a placement deciding after the restock sees
    // them live), so that commit is visible here.
    std::vector<std::string_view> ids(product_ids.begin(), product_ids.end());
    RESTOCK_ASSIGN_OR_RETURN(auto waiting,
                             tx.orders().ListOutOfStockWithProducts(merchant_id, ids, 0, 1));
    any_waiting = !waiting.orders.empty() || !waiting.unreadable.empty();
    if (!any_waiting) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(merchants, tx.merchants().ListAll());
    return Status::Ok();
  }));
  if (!any_waiting) return Status::Ok();
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
