// restock::core — IANA time zones, so each merchant's local date and time of day can be
// derived from a UTC instant. GCC 12's libstdc++ lacks std::chrono::locate_zone, and
// setenv("TZ") + localtime_r is process-global, so this reads the system tz database
// (TZif files, RFC 8536) itself and never touches the process time zone.
//
// Instants before a zone's first transition use its time type 0 (RFC 8536, usually LMT);
// instants after its last transition follow the file's POSIX TZ footer
// ("EST5EDT,M3.2.0,M11.1.0"), or the last transition's type when the footer is empty or
// unparseable. Leap-second ("right/...") zones are rejected.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/result.h"
#include "core/time_format.h"

namespace restock {

// One loaded time zone.
// Thread-safety: immutable after Load; any number of threads may call any method on the
// same object or its copies. Ownership: copies share one read-only table (cheap to copy).
class TimeZone {
 public:
  // Coordinated Universal Time; needs no file.
  static TimeZone Utc();

  // Loads `name` (e.g. "America/New_York", "UTC") from `zoneinfo_dir`.
  // Returns InvalidArgument when the name is malformed (empty, longer than 64 characters, a
  // leading '/', an empty path component, characters outside [A-Za-z0-9_+-/], so no "..")
  // or names no zone file (or a leap-second "right/" zone); Internal when the file is not a
  // well-formed TZif file.
  // Reads at most 1 MiB; never reads out of bounds of the file.
  static Result<TimeZone> Load(std::string_view name,
                               std::string_view zoneinfo_dir = "/usr/share/zoneinfo");

  // The name given to Load, or "UTC".
  const std::string& name() const;

  // Offset from UTC in seconds at instant `t`, e.g. -18000 for New York in winter.
  std::int32_t UtcOffsetSeconds(UnixMicros t) const;

  // The local calendar date at `t`.
  CivilDate LocalDate(UnixMicros t) const;

  // Whole minutes since local midnight at `t`, in 0..1439.
  int LocalMinuteOfDay(UnixMicros t) const;

 private:
  struct Data;
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

  std::shared_ptr<const Data> data_;  // never null
};

}  // namespace restock
