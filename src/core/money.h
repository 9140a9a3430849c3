// restock::core — prices as integer cents. Prices are decimal strings with two places on
// the wire ("12.99"); they never pass through floating point once parsed.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace restock {

// Largest price Ordergroove's feed accepts: 99999999.99.
inline constexpr std::int64_t kMaxPriceCents = 9'999'999'999;

// Parses a non-negative decimal with at most two fraction digits ("12", "12.5", "12.99").
// Returns nullopt when malformed, negative or above kMaxPriceCents.
std::optional<std::int64_t> ParsePriceCents(std::string_view text);

// Converts a JSON number. Returns nullopt when negative, not finite, above kMaxPriceCents,
// or with more than two decimal places.
std::optional<std::int64_t> PriceCentsFromDouble(double value);

// "12.99".
std::string FormatCents(std::int64_t cents);

}  // namespace restock
