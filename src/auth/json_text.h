// restock::auth (internal) — the little UTF-8 and JSON-string handling the authorization
// header needs. auth/ may not depend on a JSON library (STYLE.md layering), and the header
// is a flat object, so a small strict implementation is enough. Not for use outside auth/.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace restock::auth::internal {

struct DecodedCodePoint {
  char32_t code_point;
  std::size_t length;  // bytes consumed, 1..4
};

// Decodes the UTF-8 sequence at the start of `s`. Returns nullopt when `s` is empty or
// starts with an invalid sequence (stray continuation byte, overlong form, surrogate,
// beyond U+10FFFF, truncated).
std::optional<DecodedCodePoint> DecodeUtf8(std::string_view s);

// Appends the UTF-8 encoding of `cp`. REQUIRES: cp <= 0x10FFFF and not a surrogate.
void AppendUtf8(std::string& out, char32_t cp);

// Returns `s` as a quoted JSON string using only ASCII: '"', '\\' and control characters
// escaped, non-ASCII characters as \uXXXX (surrogate pairs above U+FFFF). Invalid UTF-8
// bytes become \ufffd.
std::string JsonQuoteAscii(std::string_view s);

}  // namespace restock::auth::internal
