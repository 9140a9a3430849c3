// An in-memory store::IdempotencyRepo for FakeDatabase.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "store/idempotency_repo.h"

namespace restock::testing {

struct FakeIdempotencyEntry {
  store::IdempotentResponse response;
  UnixMicros expires = 0;
};
using FakeIdempotencyState =
    std::map<std::pair<model::MerchantId, std::string>, FakeIdempotencyEntry>;

class FakeIdempotencyRepo final : public store::IdempotencyRepo {
 public:
  explicit FakeIdempotencyRepo(FakeIdempotencyState& state) : s_(state) {}

  Result<std::optional<store::IdempotentResponse>> Find(model::MerchantId m, std::string_view key,
                                                        UnixMicros now) override {
    auto it = s_.find({m, std::string(key)});
    if (it == s_.end() || it->second.expires <= now) {
      return std::optional<store::IdempotentResponse>();
    }
    return std::optional<store::IdempotentResponse>(it->second.response);
  }
  Status Store(model::MerchantId m, std::string_view key, const store::IdempotentResponse& r,
               UnixMicros now, UnixMicros expires) override {
    auto [it, inserted] = s_.try_emplace({m, std::string(key)}, FakeIdempotencyEntry{r, expires});
    if (inserted) return Status::Ok();
    if (it->second.expires > now) return AlreadyExistsError("idempotency key already used");
    it->second = FakeIdempotencyEntry{r, expires};
    return Status::Ok();
  }
  Result<std::size_t> DeleteExpired(UnixMicros now, std::size_t limit) override {
    std::size_t deleted = 0;
    for (auto it = s_.begin(); it != s_.end() && deleted < limit;) {
      if (it->second.expires <= now) {
        it = s_.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }

 private:
  FakeIdempotencyState& s_;
};

}  // namespace restock::testing
