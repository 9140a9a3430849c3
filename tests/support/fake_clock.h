// A Clock that only moves when told to. Thread-safe.
#pragma once

#include <atomic>

#include "core/clock.h"

namespace restock::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMicros start = 1'780'000'000'000'000) : now_(start) {}
  UnixMicros NowMicros() const override { return now_.load(); }
  void Set(UnixMicros t) { now_.store(t); }
  void AdvanceSeconds(std::int64_t s) { now_.fetch_add(s * 1'000'000); }

 private:
  std::atomic<UnixMicros> now_;
};

}  // namespace restock::testing
