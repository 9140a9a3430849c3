#include "placement/placement_service.h"

#include <future>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "placement/order_processor.h"

namespace restock::placement {
namespace {

struct ChunkResult {
  PlacementSummary summary;
  std::int64_t last_id = 0;
  std::size_t fetched = 0;
};

}  // namespace

Result<PlacementSummary> PlacementService::RunChunks(const model::Merchant& merchant,
                                                     CivilDate date, const ChunkQuery& query,
                                                     const Progress& progress) {
  PlacementSummary total;
  std::unordered_set<std::int64_t> split_ids;
  std::int64_t after_id = 0;
  for (;;) {
    // The chunk's orders are read inside its own transaction, so a stock update acknowledged
    // before the decision is always seen by it (rule 9).
    auto result = std::make_shared<ChunkResult>();
    auto done = std::make_shared<std::promise<Status>>();
    std::future<Status> finished = done->get_future();
    db_.Submit(
        [&, result](store::Transaction& tx) -> Status {
          *result = ChunkResult{};  // a retried group runs the work again from scratch
          RESTOCK_ASSIGN_OR_RETURN(std::vector<model::Order> orders, query(tx, after_id));
          result->fetched = orders.size();
          if (!orders.empty()) result->last_id = orders.back().id;
          // Orders split off earlier in this run are already decided for today.
          std::erase_if(orders, [&](const model::Order& o) { return split_ids.count(o.id) > 0; });
          RESTOCK_ASSIGN_OR_RETURN(
              result->summary,
              ProcessOrders(tx, merchant, date, std::move(orders), options_, clock_.NowMicros()));
          return Status::Ok();
        },
        [done](Status s) { done->set_value(std::move(s)); });
    RESTOCK_RETURN_IF_ERROR(finished.get());
    split_ids.insert(result->summary.split_order_ids.begin(),
                     result->summary.split_order_ids.end());
    result->summary.split_order_ids.clear();
    total += result->summary;
    if (progress) progress(total);
    if (result->fetched < options_.chunk_size) break;
    after_id = result->last_id;
  }
  return total;
}

Result<PlacementSummary> PlacementService::Run(const model::Merchant& merchant, CivilDate date,
                                               const Progress& progress) {
  const std::size_t limit = options_.chunk_size;
  return RunChunks(
      merchant, date,
      [&](store::Transaction& tx, std::int64_t after_id) {
        return tx.orders().ListForPlacement(merchant.id, date, after_id, limit);
      },
      progress);
}

Result<PlacementSummary> PlacementService::RetryWaiting(const model::Merchant& merchant,
                                                        std::vector<std::string> product_ids,
                                                        CivilDate date) {
  const std::size_t limit = options_.chunk_size;
  std::vector<std::string_view> ids(product_ids.begin(), product_ids.end());
  return RunChunks(
      merchant, date,
      [&](store::Transaction& tx, std::int64_t after_id) {
        return tx.orders().ListOutOfStockWithProducts(merchant.id, ids, after_id, limit);
      },
      nullptr);
}

}  // namespace restock::placement
