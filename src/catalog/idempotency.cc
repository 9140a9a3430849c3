#include "catalog/idempotency.h"

#include <memory>
#include <utility>
#include <vector>

#include "catalog/stock_update.h"

namespace restock::catalog {
namespace {

// Every 256th keyed request also deletes up to 1,000 expired keys: more than 256 requests
// can add, so the table stays about one window's worth of keys (as seen signatures,
// auth/store_replay_guard.h).
constexpr std::uint64_t kPruneEvery = 256;
constexpr std::size_t kPruneLimit = 1000;

}  // namespace

bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// One keyed request: its input, and what its last run inside a transaction produced.
struct StockService::KeyedWork {
  model::MerchantId merchant = 0;
  std::vector<model::ProductPatch> patches;
  model::StockSource source = model::StockSource::kApi;
  ApplyMode mode = ApplyMode::kUpdate;
  IdempotencyKey key;
  Render render;
  KeyedDone done;
  // Results of the last run (a work may run more than once).
  std::vector<model::StockEvent> events;
  KeyedAnswer answer;
  bool key_taken = false;  // another transaction committed the key after this one looked
};

void StockService::SubmitKeyedAsync(model::MerchantId merchant,
                                    std::vector<model::ProductPatch> patches,
                                    model::StockSource source, ApplyMode mode, IdempotencyKey key,
                                    Render render, KeyedDone done) {
  auto work = std::make_shared<KeyedWork>();
  work->merchant = merchant;
  work->patches = std::move(patches);
  work->source = source;
  work->mode = mode;
  work->key = std::move(key);
  work->render = std::move(render);
  work->done = std::move(done);
  // One retry: the second run finds the answer the other transaction committed.
  SubmitKeyed(std::move(work), 1);
}

void StockService::SubmitKeyed(std::shared_ptr<KeyedWork> w, int attempts_left) {
  const bool prune = keyed_calls_.fetch_add(1) % kPruneEvery == 0;
  store::WorkLocks locks = LocksFor(w->merchant, w->patches);
  db_.Submit(
      [this, w, prune](store::Transaction& tx) -> Status {
        w->events.clear();
        w->answer = KeyedAnswer{};
        w->key_taken = false;
        const UnixMicros now = clock_.NowMicros();
        store::IdempotencyRepo& keys = tx.idempotency_keys();
        if (prune) RESTOCK_RETURN_IF_ERROR(keys.DeleteExpired(now, kPruneLimit).status());
        RESTOCK_ASSIGN_OR_RETURN(std::optional<store::IdempotentResponse> stored,
                                 keys.Find(w->merchant, w->key.key, now));
        if (stored) {
          if (stored->request_hash != w->key.request_hash) {
            w->answer.kind = KeyedAnswer::Kind::kMismatch;
          } else {
            w->answer = {KeyedAnswer::Kind::kReplayed, {stored->status, std::move(stored->body)}};
          }
          return Status::Ok();
        }
        ApplyOptions options{w->source, now, w->mode};
        RESTOCK_ASSIGN_OR_RETURN(AppliedPatches applied,
                                 ApplyPatches(tx, w->merchant, w->patches, options));
        Answer answer = w->render(applied.results);
        Status stored_now =
            keys.Store(w->merchant, w->key.key, {w->key.request_hash, answer.status, answer.body},
                       now, now + kIdempotencyWindow);
        w->key_taken = stored_now.code() == StatusCode::kAlreadyExists;
        RESTOCK_RETURN_IF_ERROR(stored_now);
        w->events = std::move(applied.events);
        w->answer = {KeyedAnswer::Kind::kApplied, std::move(answer)};
        return Status::Ok();
      },
      [this, w, attempts_left](Status status) {
        if (!status.ok() && w->key_taken) {
          if (attempts_left > 0) return SubmitKeyed(w, attempts_left - 1);
          return w->done(FailedPreconditionError(
              "A request with this Idempotency-Key is in progress; retry it later."));
        }
        if (!status.ok()) return w->done(std::move(status));
        if (listener_ && !w->events.empty()) listener_(w->merchant, w->events);
        w->done(std::move(w->answer));
      },
      std::move(locks));
}

}  // namespace restock::catalog
