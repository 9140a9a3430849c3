// restock::webhooks — the transactional outbox's one choke point. OutboxDatabase decorates
// any store::Database: for the stock events and order events a unit of work appends, it
// writes one outbox row per resulting webhook event and subscribed, enabled endpoint when the
// work is done (so the rows render what the work saved, in append order) — in the same
// transaction, so a change and its webhook deliveries commit (or roll back) together. Every writer
// (HTTP API, CLI, feed import, placement, product endpoints) goes through a Transaction, so none
// has to remember webhooks. app/database_factory.cc wraps every backend with it.
//
// Thread-safety: as the wrapped database (every method may be called from any thread).
// Ownership: owns the wrapped database; borrows the clock, which must outlive it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "catalog/held_stock.h"
#include "core/clock.h"
#include "store/database.h"

namespace restock::webhooks {

class OutboxDatabase final : public store::Database {
 public:
  OutboxDatabase(std::unique_ptr<store::Database> inner, const Clock& clock)
      : inner_(std::move(inner)), clock_(clock) {}

  // `observer` runs after each commit that wrote outbox rows (on the committing thread; it
  // must return quickly), e.g. to wake the dispatcher. REQUIRES: called before any work.
  void SetEnqueueObserver(std::function<void()> observer) { observer_ = std::move(observer); }
  // The merchants' local days, for the held stock product.stock_changed carries. Without it
  // (or when it fails: a product event must not fail the stock update) the UTC day is used.
  // REQUIRES: called before any work.
  void SetMerchantToday(catalog::MerchantToday today) { today_ = std::move(today); }

  Status Migrate() override { return inner_->Migrate(); }
  Status AfterBulkLoad() override { return inner_->AfterBulkLoad(); }
  Status RunInTransaction(const store::Work& work) override {
    return RunInTransaction(work, store::WorkLocks{});
  }
  Status RunInTransaction(const store::Work& work, const store::WorkLocks& locks) override;
  Status RunReadOnly(const store::Work& work) override { return inner_->RunReadOnly(work); }
  void Submit(store::Work work, store::WorkDone done) override {
    Submit(std::move(work), std::move(done), store::WorkLocks{});
  }
  void Submit(store::Work work, store::WorkDone done, store::WorkLocks locks) override;
  void SetGroupObserver(std::function<void(std::size_t)> observer) override {
    inner_->SetGroupObserver(std::move(observer));
  }
  void SetReplayObserver(std::function<void()> observer) override {
    inner_->SetReplayObserver(std::move(observer));
  }
  void SetDeadlockObserver(std::function<void()> observer) override {
    inner_->SetDeadlockObserver(std::move(observer));
  }
  bool read_only() const override { return inner_->read_only(); }
  void Shutdown() override { inner_->Shutdown(); }

 private:
  // today_, or the UTC day where it is unset or fails.
  catalog::MerchantToday Today() const;

  std::unique_ptr<store::Database> inner_;
  const Clock& clock_;
  std::function<void()> observer_;
  catalog::MerchantToday today_;
};

}  // namespace restock::webhooks
