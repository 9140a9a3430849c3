// restock::auth — the ReplayGuard backed by the database (store::SeenSignatureRepo), so seen
// signatures survive restarts and are shared by every node on the same database.
// Each FirstUse is one small write transaction (one commit); every 256th call also deletes up
// to 1,000 expired entries in the same transaction, so the table stays about as large as the
// strict traffic of one signature window.
// Thread-safe. Does not own the database or clock; both must outlive it.
#pragma once

#include <atomic>
#include <cstdint>

#include "auth/replay_protection.h"
#include "store/database.h"

namespace restock::auth {

class StoreReplayGuard final : public ReplayGuard {
 public:
  StoreReplayGuard(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Blocks on the database: call from a worker thread.
  Result<bool> FirstUse(model::MerchantId merchant, std::string_view digest,
                        UnixMicros expires) override;

 private:
  store::Database& db_;
  const Clock& clock_;
  std::atomic<std::uint64_t> calls_{0};
};

}  // namespace restock::auth
