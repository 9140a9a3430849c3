#include "placement/stock_event_follower.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <utility>

#include "core/thread_name.h"

namespace restock::placement {
namespace {

// At most this many gaps are remembered; beyond it the oldest is given up.
constexpr std::size_t kMaxGaps = 1024;
// Pages of new events one poll reads at most (bounding its memory); a poll that read them all
// is followed by the next at once.
constexpr std::size_t kPagesPerPoll = 16;

}  // namespace

bool WrittenOutsideServe(model::StockSource source) {
  return source == model::StockSource::kCli || source == model::StockSource::kFeed;
}

Status StockEventFollower::Start() {
  Status sought = Seek();
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return sought;
  stopping_ = false;
  thread_ = std::thread([this] {
    NameThisThread("restock-follow");
    std::unique_lock guard(mu_);
    while (!stopping_) {
      guard.unlock();
      Result<std::size_t> read = Poll();
      if (!read.ok()) spdlog::error("following stock events: {}", read.status().ToString());
      const bool behind = read.ok() && *read >= kPagesPerPoll * options_.page;
      guard.lock();
      if (!behind) wake_.wait_for(guard, options_.interval, [this] { return stopping_; });
    }
  });
  return sought;
}

void StockEventFollower::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status StockEventFollower::Seek() {
  std::lock_guard lock(poll_mu_);
  return SeekLocked();
}

Status StockEventFollower::SeekLocked() {
  std::int64_t latest = 0;
  RESTOCK_RETURN_IF_ERROR(db_.RunReadOnly([&](store::Transaction& tx) -> Status {
    RESTOCK_ASSIGN_OR_RETURN(latest, tx.stock_events().LatestId());
    return Status::Ok();
  }));
  high_ = latest;
  gaps_.clear();
  positioned_ = true;
  return Status::Ok();
}

Result<std::size_t> StockEventFollower::Poll() {
  std::vector<model::StockEvent> read;
  {
    std::lock_guard lock(poll_mu_);
    if (!positioned_) {
      // Start's Seek failed (the database was unavailable): start from now, as Start meant to.
      RESTOCK_RETURN_IF_ERROR(SeekLocked());
      return std::size_t{0};
    }
    // One read-only unit of work: the gaps and the head are read in one snapshot. A failed
    // read leaves the position as it was (the state below changes only on success).
    const std::int64_t high = high_;
    const std::map<std::int64_t, Gap> gaps = gaps_;
    Status s = db_.RunReadOnly([&](store::Transaction& tx) -> Status {
      read.clear();
      high_ = high;
      gaps_ = gaps;
      RESTOCK_RETURN_IF_ERROR(ReadGaps(tx, read));
      return ReadHead(tx, read);
    });
    if (!s.ok()) {
      high_ = high;
      gaps_ = gaps;
      return s;
    }
    // Give up gaps that stayed empty too long (a transaction rolled back, or its ids were
    // taken and never used), and the oldest beyond the cap.
    const UnixMicros now = clock_.NowMicros();
    const UnixMicros wait =
        std::chrono::duration_cast<std::chrono::microseconds>(options_.gap_wait).count();
    for (auto it = gaps_.begin(); it != gaps_.end();) {
      it = now - it->second.since >= wait ? gaps_.erase(it) : std::next(it);
    }
    while (gaps_.size() > kMaxGaps) gaps_.erase(gaps_.begin());
  }
  Deliver(read);
  return read.size();
}

Status StockEventFollower::ReadGaps(store::Transaction& tx, std::vector<model::StockEvent>& out) {
  std::map<std::int64_t, Gap> still;
  for (const auto& [first, gap] : gaps_) {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::StockEvent> found,
                             tx.stock_events().ListRange(first - 1, gap.last, options_.page));
    // What is still missing: the ids between the events found. A page that came back full
    // may have more above it: those stay in the last piece and are read next time.
    std::int64_t next = first;
    for (model::StockEvent& e : found) {
      if (e.id > next) still.emplace(next, Gap{e.id - 1, gap.since});
      next = e.id + 1;
      out.push_back(std::move(e));
    }
    if (next <= gap.last) still.emplace(next, Gap{gap.last, gap.since});
  }
  gaps_ = std::move(still);
  return Status::Ok();
}

Status StockEventFollower::ReadHead(store::Transaction& tx, std::vector<model::StockEvent>& out) {
  const UnixMicros now = clock_.NowMicros();
  for (std::size_t pages = 0; pages < kPagesPerPoll; ++pages) {
    RESTOCK_ASSIGN_OR_RETURN(std::vector<model::StockEvent> page,
                             tx.stock_events().ListRange(
                                 high_, std::numeric_limits<std::int64_t>::max(), options_.page));
    for (model::StockEvent& e : page) {
      if (e.id > high_ + 1) gaps_.emplace(high_ + 1, Gap{e.id - 1, now});
      high_ = e.id;
      out.push_back(std::move(e));
    }
    if (page.size() < options_.page) break;
  }
  return Status::Ok();
}

void StockEventFollower::Deliver(const std::vector<model::StockEvent>& events) {
  std::map<model::MerchantId, std::vector<model::StockEvent>> by_merchant;
  for (const model::StockEvent& e : events) {
    if (WrittenOutsideServe(e.source)) by_merchant[e.merchant_id].push_back(e);
  }
  for (const auto& [merchant, mine] : by_merchant) sink_(merchant, mine);
}

}  // namespace restock::placement
