// restock::core — civil dates and ISO-8601 rendering, independent of the process time zone.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace restock {

// A proleptic Gregorian calendar day.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

// Days since 1970-01-01 for `d`, and back.
std::int64_t DaysFromCivil(CivilDate d);
CivilDate CivilFromDays(std::int64_t days);

// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<CivilDate> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(CivilDate d);

// "YYYY-MM-DDTHH:MM:SSZ" for whole seconds; micros are truncated.
std::string FormatIsoUtc(UnixMicros t);
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339 with milliseconds); micros are truncated.
std::string FormatIsoUtcMillis(UnixMicros t);

}  // namespace restock
