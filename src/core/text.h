// restock::core — small text helpers shared by parsers of headers, flags and lists.
// Pure and thread-safe.
#pragma once

#include <string_view>

namespace restock::core {

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110
// §5.6.3; also used for comma-separated flag values).
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace restock::core
