// restock::model — the names of enum values (as stored, sent and accepted), each enum's listed
// once in a table that both directions read. Pure, constexpr, thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace restock::model {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `e` in `table`; the first entry's name for a value the table lacks.
template <typename Enum, std::size_t N>
constexpr std::string_view NameOf(const EnumNames<Enum, N>& table, Enum e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return table[0].second;
}

// The value named `name` in `table` (exact, case-sensitive); nullopt for an unknown name.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> ValueNamed(const EnumNames<Enum, N>& table, std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace restock::model
