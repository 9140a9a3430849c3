// restock::core — time source. Everything that asks "what time is it" takes a Clock,
// so tests can drive time with a fake.
// Thread-safety: implementations must be safe to call from any thread.
#pragma once

#include <cstdint>

namespace restock {

// Microseconds since the Unix epoch, UTC.
using UnixMicros = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMicros NowMicros() const = 0;
  std::int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
};

// The real wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  UnixMicros NowMicros() const override;
};

}  // namespace restock
