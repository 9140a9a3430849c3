#include "handoff/service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>
#include <vector>

#include "core/thread_name.h"

namespace restock::handoff {

HandoffService::HandoffService(store::Database& db, const Clock& clock,
                               core::TargetPolicy targets, placement::FlowOptions flow,
                               placement::ZoneCache& zones, metrics::Registry* registry,
                               UnixMicros poll_interval)
    : db_(db),
      clock_(clock),
      zones_(zones),
      sender_(db, clock, std::move(targets), std::move(flow), registry),
      poll_interval_(poll_interval) {
  if (registry != nullptr) {
    registry->SetGauge("restock_handoff_queue_depth",
                       "Hand-off requests not yet answered for good (due, in flight, waiting).",
                       [this]() -> double {
                         std::int64_t n = 0;
                         Status s = db_.RunReadOnly([&](store::Transaction& tx) -> Status {
                           RESTOCK_ASSIGN_OR_RETURN(n, tx.handoff().CountPending());
                           return Status::Ok();
                         });
                         return s.ok() ? static_cast<double>(n) : -1.0;
                       });
  }
}

HandoffService::~HandoffService() { Stop(); }

void HandoffService::Start() {
  looker_ = std::thread([this] {
    NameThisThread("restock-handoff");
    Loop();
  });
}

void HandoffService::Wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  for (auto& [id, work] : work_) {
    if (work->running) work->look_again = true;
  }
  cv_.notify_all();
}

void HandoffService::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Status s = LookOnce();
    if (!s.ok()) spdlog::warn("hand-off: {}", s.ToString());
    lock.lock();
    cv_.wait_for(lock, std::chrono::microseconds(poll_interval_),
                 [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

Status HandoffService::LookOnce() {
  std::vector<std::pair<model::Merchant, model::PlacementTarget>> due;
  const UnixMicros now = clock_.NowMicros();
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    due.clear();
    RESTOCK_ASSIGN_OR_RETURN(auto targets, tx.handoff().ListTargets());
    if (targets.empty()) return Status::Ok();
    RESTOCK_ASSIGN_OR_RETURN(auto merchants, tx.merchants().ListAll());
    for (auto& [merchant_id, target] : targets) {
      RESTOCK_ASSIGN_OR_RETURN(std::int64_t n, tx.handoff().CountDue(merchant_id, now));
      if (n == 0) continue;
      for (const model::Merchant& m : merchants) {
        if (m.id == merchant_id) due.emplace_back(m, target);
      }
    }
    return Status::Ok();
  }));
  std::lock_guard lock(mu_);
  for (auto& [merchant, target] : due) {
    if (stopping_) break;
    auto& slot = work_[merchant.id];
    if (slot && slot->running) continue;
    if (slot && slot->thread.joinable()) slot->thread.join();
    slot = std::make_unique<MerchantWork>();
    slot->running = true;
    MerchantWork* work = slot.get();
    slot->thread = std::thread([this, work, merchant = merchant, target = target] {
      NameThisThread("restock-handoff");
      Result<CivilDate> day = zones_.LocalDate(merchant, clock_.NowMicros());
      Result<HandoffSummary> sent =
          day.ok() ? sender_.SendDue(merchant, target, *day) : day.status();
      if (!sent.ok()) {
        spdlog::warn("hand-off for merchant {}: {}", merchant.public_id,
                     sent.status().ToString());
      }
      std::lock_guard done(mu_);
      work->running = false;
      if (work->look_again) {
        woken_ = true;
        cv_.notify_all();
      }
    });
  }
  return Status::Ok();
}

void HandoffService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !looker_.joinable() && work_.empty()) return;
    stopping_ = true;
    cv_.notify_all();
  }
  sender_.Abandon();
  if (looker_.joinable()) looker_.join();
  std::map<model::MerchantId, std::unique_ptr<MerchantWork>> work;
  {
    std::lock_guard lock(mu_);
    work.swap(work_);
  }
  for (auto& [id, w] : work) {
    if (w->thread.joinable()) w->thread.join();
  }
}

}  // namespace restock::handoff
