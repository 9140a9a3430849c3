#include "core/money.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace restock {

std::optional<std::int64_t> ParsePriceCents(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t whole = 0;
  std::size_t i = 0;
  std::size_t whole_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    if (whole_digits >= 10) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
  }
  if (whole_digits == 0) return std::nullopt;
  std::int64_t frac = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    std::size_t frac_digits = 0;
    for (; i < text.size(); ++i, ++frac_digits) {
      if (text[i] < '0' || text[i] > '9' || frac_digits >= 2) return std::nullopt;
      frac = frac * 10 + (text[i] - '0');
    }
    if (frac_digits == 0) return std::nullopt;
    if (frac_digits == 1) frac *= 10;
  }
  std::int64_t cents = whole * 100 + frac;
  if (cents > kMaxPriceCents) return std::nullopt;
  return cents;
}

std::optional<std::int64_t> PriceCentsFromDouble(double value) {
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  double scaled = value * 100.0;
  if (scaled > static_cast<double>(kMaxPriceCents) + 0.5) return std::nullopt;
  double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, scaled)) return std::nullopt;
  auto cents = static_cast<std::int64_t>(rounded);
  if (cents > kMaxPriceCents) return std::nullopt;
  return cents;
}

std::string FormatCents(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

}  // namespace restock
