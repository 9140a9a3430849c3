#include "auth/store_replay_guard.h"

namespace restock::auth {
namespace {

constexpr std::uint64_t kCleanupEvery = 256;
constexpr std::size_t kCleanupLimit = 1000;

}  // namespace

Result<bool> StoreReplayGuard::FirstUse(model::MerchantId merchant, std::string_view digest,
                                        UnixMicros expires) {
  const bool cleanup = calls_.fetch_add(1) % kCleanupEvery == 0;
  const UnixMicros now = clock_.NowMicros();
  bool first = false;
  Status status = db_.RunInTransaction([&](store::Transaction& tx) -> Status {
    if (cleanup) {
      RESTOCK_ASSIGN_OR_RETURN(std::size_t deleted,
                               tx.seen_signatures().DeleteExpired(now, kCleanupLimit));
      (void)deleted;
    }
    RESTOCK_ASSIGN_OR_RETURN(first, tx.seen_signatures().Remember(merchant, digest, now, expires));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return first;
}

}  // namespace restock::auth
