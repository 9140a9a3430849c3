// restock::core — UTF-8 decoding and JSON string quoting without a JSON library.
// auth/ may not depend on one (STYLE.md layering) and http/ renders small bodies (errors,
// per-element results) by hand on the hot path, so both share these few functions.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace restock::core {

struct Utf8Sequence {
  char32_t code_point = 0;  // meaningful only when valid
  std::size_t length = 0;   // bytes consumed, 1..4
  bool valid = false;
};

// Decodes the UTF-8 sequence at the start of `s`. REQUIRES: !s.empty().
// An ill-formed sequence (stray continuation byte, overlong form, surrogate, beyond
// U+10FFFF, truncated) is not valid and its `length` is the maximal ill-formed subpart to
// replace by one U+FFFD (Unicode 15, §3.9 "U+FFFD Substitution of Maximal Subparts").
Utf8Sequence DecodeUtf8(std::string_view s);

// The byte offset of the first ill-formed UTF-8 sequence in `s`, or nullopt when all of `s`
// is well-formed UTF-8.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view s);

// Appends the UTF-8 encoding of `cp`. REQUIRES: cp <= 0x10FFFF and not a surrogate.
void AppendUtf8(std::string& out, char32_t cp);

enum class JsonQuoting {
  kUtf8,   // non-ASCII characters kept as UTF-8
  kAscii,  // non-ASCII characters as \uXXXX (surrogate pairs above U+FFFF)
};

// Returns `s` as a quoted JSON string (RFC 8259): '"', '\\' and control characters
// escaped; ill-formed UTF-8 replaced by U+FFFD, so the result is always valid JSON.
std::string JsonQuote(std::string_view s, JsonQuoting quoting = JsonQuoting::kUtf8);

}  // namespace restock::core
