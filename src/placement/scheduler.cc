#include "placement/scheduler.h"

#include <spdlog/spdlog.h>

#include "core/thread_name.h"

namespace restock::placement {

void Scheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    NameThisThread("restock-sched");
    std::unique_lock guard(mu_);
    while (!stopping_) {
      guard.unlock();
      Result<int> runs = Tick();
      if (!runs.ok()) spdlog::error("placement scheduler: {}", runs.status().ToString());
      guard.lock();
      wake_.wait_for(guard, tick_, [this] { return stopping_; });
    }
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int> Scheduler::Tick() {
  std::lock_guard run_lock(run_mu_);
  std::vector<model::Merchant> merchants;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(merchants, tx.merchants().ListAll());
    return Status::Ok();
  }));
  // The first pass after Start runs, at once, the placement of every merchant whose time
  // passed today before this process started (docs/placement.md): say so, it is not 06:00.
  const bool first_pass = first_pass_;
  first_pass_ = false;
  int runs = 0;
  for (const model::Merchant& merchant : merchants) {
    UnixMicros now = clock_.NowMicros();
    auto zone = zones_.Get(merchant.timezone);
    if (!zone.ok()) {
      spdlog::error("merchant {}: {}", merchant.public_id, zone.status().message());
      continue;
    }
    if (zone->LocalMinuteOfDay(now) < merchant.placement_minute) continue;
    CivilDate today = zone->LocalDate(now);
    std::optional<CivilDate> last;
    RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
      RESTOCK_ASSIGN_OR_RETURN(last, tx.placement_runs().LastCompleted(merchant.id));
      return Status::Ok();
    }));
    if (last && today <= *last) continue;

    if (first_pass) {
      spdlog::info(
          "placement for {} on {} starting now: this server started after the merchant's "
          "placement time ({:02}:{:02} {})",
          merchant.public_id, FormatDate(today), merchant.placement_minute / 60,
          merchant.placement_minute % 60, merchant.timezone);
    } else {
      spdlog::info("placement for {} on {} starting", merchant.public_id, FormatDate(today));
    }
    auto started = std::chrono::steady_clock::now();
    Result<PlacementSummary> s = placement_.Run(
        merchant, today, [&](const PlacementSummary& so_far) {
          if (so_far.considered % 100'000 < placement_.options().chunk_size) {
            spdlog::info("placement for {}: {} orders so far", merchant.public_id,
                         so_far.considered);
          }
        });
    if (!s.ok()) {
      // Chunks already committed stay; the next tick resumes where this one stopped.
      spdlog::error("placement for {} on {} failed: {}", merchant.public_id, FormatDate(today),
                    s.status().ToString());
      continue;
    }
    RESTOCK_RETURN_IF_ERROR(db_.RunInTransaction([&](store::Transaction& tx) {
      return tx.placement_runs().RecordCompleted(merchant.id, today, clock_.NowMicros());
    }));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("placement for {} on {}: {} placed, {} out of stock, {} cancelled in {:.1f} s",
                 merchant.public_id, FormatDate(today), s->placed, s->out_of_stock,
                 s->cancelled, seconds);
    ++runs;
  }
  return runs;
}

}  // namespace restock::placement
