#include "placement/handoff_queue.h"

#include <algorithm>

namespace restock::placement {

CivilDate GiveUpOn(const model::Order& order,
                   const std::unordered_map<std::int64_t, model::Subscription>& subscriptions) {
  std::int64_t last = DaysFromCivil(order.place_date) + kMaxNoAnswerDays;
  for (const model::OrderItem& item : order.items) {
    auto it = subscriptions.find(item.subscription_id);
    if (it == subscriptions.end()) continue;
    const model::Subscription& sub = it->second;
    std::optional<CivilDate> next = model::AdvancePast(order.place_date, sub.frequency,
                                                       model::AnchorDay(sub), order.place_date, 0)
                                        .next;
    if (next) last = std::min(last, DaysFromCivil(*next));
  }
  return CivilFromDays(std::min(last, DaysFromCivil(model::kLastSupportedDate)));
}

Status HandoffQueue::Load(store::Transaction& tx, model::MerchantId merchant) {
  RESTOCK_ASSIGN_OR_RETURN(auto target, tx.handoff().FindTarget(merchant));
  active_ = target.has_value();
  return Status::Ok();
}

void HandoffQueue::Add(const model::Order& order,
                       const std::unordered_map<std::int64_t, model::Subscription>& subscriptions,
                       UnixMicros now, bool handed_off_before) {
  if (handed_off_before) returning_.push_back(requests_.size());
  model::HandoffRequest r;
  r.merchant_id = order.merchant_id;
  r.order_id = order.id;
  r.sequence = 1;
  r.give_up_on = GiveUpOn(order, subscriptions);
  r.created = now;
  requests_.push_back(std::move(r));
}

Status HandoffQueue::Flush(store::Transaction& tx) {
  if (requests_.empty()) return Status::Ok();
  for (std::size_t i : returning_) {
    model::HandoffRequest& r = requests_[i];
    RESTOCK_ASSIGN_OR_RETURN(int last, tx.handoff().LastSequence(r.merchant_id, r.order_id));
    r.sequence = last + 1;
  }
  RESTOCK_RETURN_IF_ERROR(tx.handoff().Enqueue(requests_));
  requests_.clear();
  returning_.clear();
  return Status::Ok();
}

}  // namespace restock::placement
